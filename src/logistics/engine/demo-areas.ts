/**
 * Realistic seed data for development and demos: service areas in 13 Chinese cities with their
 * real districts (GB/T 2260 codes), drop-off stores, and a few couriers. Store names are
 * fictional (a Reloop brand); their street addresses are illustrative.
 *
 * Time zones: every area uses Asia/Shanghai (Beijing time) except Ürümqi, which uses
 * Asia/Urumqi (UTC+6, "Xinjiang time"), the clock most local residents and businesses keep, so
 * its cut-off and windows are read in that local time.
 */
import {
  defineServiceArea,
  standardWindows,
  type District,
  type PickupWindow,
  type ServiceArea,
} from './service-area.js';
import { nearestStore, type DropOffStore } from './stores.js';

export { nearestStore } from './stores.js';
export type { DropOffStore, NearestStore } from './stores.js';

type DistrictRow = readonly [code: string, name: string, nameZh: string];

const districts = (rows: readonly DistrictRow[]): District[] =>
  rows.map(([code, name, nameZh]) => ({ code, name, nameZh }));

/** Smaller cities run four windows with a lunch break. */
const fourWindows = (capacity: number): PickupWindow[] => [
  { start: '09:00', end: '11:00', capacity },
  { start: '11:00', end: '13:00', capacity },
  { start: '14:00', end: '16:00', capacity },
  { start: '16:00', end: '18:00', capacity },
];

export const DEMO_CITY = {
  beijing: '110100',
  tianjin: '120100',
  shanghai: '310100',
  nanjing: '320100',
  suzhou: '320500',
  hangzhou: '330100',
  wuhan: '420100',
  guangzhou: '440100',
  shenzhen: '440300',
  chongqing: '500100',
  chengdu: '510100',
  xian: '610100',
  urumqi: '650100',
} as const;

export const DEMO_AREAS: readonly ServiceArea[] = [
  defineServiceArea({
    cityCode: DEMO_CITY.beijing,
    cityName: 'Beijing',
    cityNameZh: '北京',
    timeZone: 'Asia/Shanghai',
    sameDay: true,
    windows: standardWindows(240),
    districts: districts([
      ['110101', 'Dongcheng', '东城区'],
      ['110102', 'Xicheng', '西城区'],
      ['110105', 'Chaoyang', '朝阳区'],
      ['110106', 'Fengtai', '丰台区'],
      ['110107', 'Shijingshan', '石景山区'],
      ['110108', 'Haidian', '海淀区'],
      ['110109', 'Mentougou', '门头沟区'],
      ['110111', 'Fangshan', '房山区'],
      ['110112', 'Tongzhou', '通州区'],
      ['110113', 'Shunyi', '顺义区'],
      ['110114', 'Changping', '昌平区'],
      ['110115', 'Daxing', '大兴区'],
      ['110116', 'Huairou', '怀柔区'],
      ['110117', 'Pinggu', '平谷区'],
      ['110118', 'Miyun', '密云区'],
      ['110119', 'Yanqing', '延庆区'],
    ]),
  }),
  defineServiceArea({
    cityCode: DEMO_CITY.shanghai,
    cityName: 'Shanghai',
    cityNameZh: '上海',
    timeZone: 'Asia/Shanghai',
    sameDay: true,
    windows: standardWindows(260),
    districts: districts([
      ['310101', 'Huangpu', '黄浦区'],
      ['310104', 'Xuhui', '徐汇区'],
      ['310105', 'Changning', '长宁区'],
      ['310106', "Jing'an", '静安区'],
      ['310107', 'Putuo', '普陀区'],
      ['310109', 'Hongkou', '虹口区'],
      ['310110', 'Yangpu', '杨浦区'],
      ['310112', 'Minhang', '闵行区'],
      ['310113', 'Baoshan', '宝山区'],
      ['310114', 'Jiading', '嘉定区'],
      ['310115', 'Pudong New Area', '浦东新区'],
      ['310116', 'Jinshan', '金山区'],
      ['310117', 'Songjiang', '松江区'],
      ['310118', 'Qingpu', '青浦区'],
      ['310120', 'Fengxian', '奉贤区'],
      ['310151', 'Chongming', '崇明区'],
    ]),
  }),
  defineServiceArea({
    cityCode: DEMO_CITY.guangzhou,
    cityName: 'Guangzhou',
    cityNameZh: '广州',
    timeZone: 'Asia/Shanghai',
    sameDay: true,
    windows: standardWindows(180),
    districts: districts([
      ['440103', 'Liwan', '荔湾区'],
      ['440104', 'Yuexiu', '越秀区'],
      ['440105', 'Haizhu', '海珠区'],
      ['440106', 'Tianhe', '天河区'],
      ['440111', 'Baiyun', '白云区'],
      ['440112', 'Huangpu', '黄埔区'],
      ['440113', 'Panyu', '番禺区'],
      ['440114', 'Huadu', '花都区'],
      ['440115', 'Nansha', '南沙区'],
      ['440117', 'Conghua', '从化区'],
      ['440118', 'Zengcheng', '增城区'],
    ]),
  }),
  defineServiceArea({
    cityCode: DEMO_CITY.shenzhen,
    cityName: 'Shenzhen',
    cityNameZh: '深圳',
    timeZone: 'Asia/Shanghai',
    sameDay: true,
    // A busy evening: the last window runs until 21:00.
    windows: [...standardWindows(200), { start: '19:00', end: '21:00', capacity: 120 }],
    districts: districts([
      ['440303', 'Luohu', '罗湖区'],
      ['440304', 'Futian', '福田区'],
      ['440305', 'Nanshan', '南山区'],
      ['440306', "Bao'an", '宝安区'],
      ['440307', 'Longgang', '龙岗区'],
      ['440308', 'Yantian', '盐田区'],
      ['440309', 'Longhua', '龙华区'],
      ['440310', 'Pingshan', '坪山区'],
      ['440311', 'Guangming', '光明区'],
    ]),
  }),
  defineServiceArea({
    cityCode: DEMO_CITY.hangzhou,
    cityName: 'Hangzhou',
    cityNameZh: '杭州',
    timeZone: 'Asia/Shanghai',
    sameDay: true,
    windows: standardWindows(120),
    districts: districts([
      ['330102', 'Shangcheng', '上城区'],
      ['330105', 'Gongshu', '拱墅区'],
      ['330106', 'Xihu', '西湖区'],
      ['330108', 'Binjiang', '滨江区'],
      ['330109', 'Xiaoshan', '萧山区'],
      ['330110', 'Yuhang', '余杭区'],
      ['330111', 'Fuyang', '富阳区'],
      ['330112', "Lin'an", '临安区'],
      ['330113', 'Linping', '临平区'],
      ['330114', 'Qiantang', '钱塘区'],
    ]),
  }),
  defineServiceArea({
    cityCode: DEMO_CITY.chengdu,
    cityName: 'Chengdu',
    cityNameZh: '成都',
    timeZone: 'Asia/Shanghai',
    sameDay: true,
    // A later cut-off: the Chengdu hub runs an evening shift.
    cutoffHour: 16,
    windows: standardWindows(110),
    districts: districts([
      ['510104', 'Jinjiang', '锦江区'],
      ['510105', 'Qingyang', '青羊区'],
      ['510106', 'Jinniu', '金牛区'],
      ['510107', 'Wuhou', '武侯区'],
      ['510108', 'Chenghua', '成华区'],
      ['510112', 'Longquanyi', '龙泉驿区'],
      ['510113', 'Qingbaijiang', '青白江区'],
      ['510114', 'Xindu', '新都区'],
      ['510115', 'Wenjiang', '温江区'],
      ['510116', 'Shuangliu', '双流区'],
      ['510117', 'Pidu', '郫都区'],
      ['510118', 'Xinjin', '新津区'],
    ]),
  }),
  defineServiceArea({
    cityCode: DEMO_CITY.wuhan,
    cityName: 'Wuhan',
    cityNameZh: '武汉',
    timeZone: 'Asia/Shanghai',
    sameDay: false,
    windows: fourWindows(90),
    districts: districts([
      ['420102', "Jiang'an", '江岸区'],
      ['420103', 'Jianghan', '江汉区'],
      ['420104', 'Qiaokou', '硚口区'],
      ['420105', 'Hanyang', '汉阳区'],
      ['420106', 'Wuchang', '武昌区'],
      ['420107', 'Qingshan', '青山区'],
      ['420111', 'Hongshan', '洪山区'],
      ['420112', 'Dongxihu', '东西湖区'],
      ['420113', 'Hannan', '汉南区'],
      ['420114', 'Caidian', '蔡甸区'],
      ['420115', 'Jiangxia', '江夏区'],
      ['420116', 'Huangpi', '黄陂区'],
      ['420117', 'Xinzhou', '新洲区'],
    ]),
  }),
  defineServiceArea({
    cityCode: DEMO_CITY.xian,
    cityName: "Xi'an",
    cityNameZh: '西安',
    timeZone: 'Asia/Shanghai',
    sameDay: false,
    windows: fourWindows(70),
    districts: districts([
      ['610102', 'Xincheng', '新城区'],
      ['610103', 'Beilin', '碑林区'],
      ['610104', 'Lianhu', '莲湖区'],
      ['610111', 'Baqiao', '灞桥区'],
      ['610112', 'Weiyang', '未央区'],
      ['610113', 'Yanta', '雁塔区'],
      ['610114', 'Yanliang', '阎良区'],
      ['610115', 'Lintong', '临潼区'],
      ['610116', "Chang'an", '长安区'],
      ['610117', 'Gaoling', '高陵区'],
      ['610118', 'Huyi', '鄠邑区'],
    ]),
  }),
  defineServiceArea({
    cityCode: DEMO_CITY.nanjing,
    cityName: 'Nanjing',
    cityNameZh: '南京',
    timeZone: 'Asia/Shanghai',
    sameDay: false,
    windows: standardWindows(90),
    districts: districts([
      ['320102', 'Xuanwu', '玄武区'],
      ['320104', 'Qinhuai', '秦淮区'],
      ['320105', 'Jianye', '建邺区'],
      ['320106', 'Gulou', '鼓楼区'],
      ['320111', 'Pukou', '浦口区'],
      ['320113', 'Qixia', '栖霞区'],
      ['320114', 'Yuhuatai', '雨花台区'],
      ['320115', 'Jiangning', '江宁区'],
      ['320116', 'Luhe', '六合区'],
      ['320117', 'Lishui', '溧水区'],
      ['320118', 'Gaochun', '高淳区'],
    ]),
  }),
  defineServiceArea({
    cityCode: DEMO_CITY.chongqing,
    cityName: 'Chongqing',
    cityNameZh: '重庆',
    timeZone: 'Asia/Shanghai',
    sameDay: false,
    windows: fourWindows(80),
    // The nine central urban districts only.
    districts: districts([
      ['500103', 'Yuzhong', '渝中区'],
      ['500104', 'Dadukou', '大渡口区'],
      ['500105', 'Jiangbei', '江北区'],
      ['500106', 'Shapingba', '沙坪坝区'],
      ['500107', 'Jiulongpo', '九龙坡区'],
      ['500108', "Nan'an", '南岸区'],
      ['500109', 'Beibei', '北碚区'],
      ['500112', 'Yubei', '渝北区'],
      ['500113', 'Banan', '巴南区'],
    ]),
  }),
  defineServiceArea({
    cityCode: DEMO_CITY.suzhou,
    cityName: 'Suzhou',
    cityNameZh: '苏州',
    timeZone: 'Asia/Shanghai',
    sameDay: false,
    windows: fourWindows(60),
    districts: districts([
      ['320505', 'Huqiu', '虎丘区'],
      ['320506', 'Wuzhong', '吴中区'],
      ['320507', 'Xiangcheng', '相城区'],
      ['320508', 'Gusu', '姑苏区'],
      ['320509', 'Wujiang', '吴江区'],
      ['320571', 'Suzhou Industrial Park', '苏州工业园区'],
    ]),
  }),
  defineServiceArea({
    cityCode: DEMO_CITY.tianjin,
    cityName: 'Tianjin',
    cityNameZh: '天津',
    timeZone: 'Asia/Shanghai',
    sameDay: false,
    windows: standardWindows(80),
    bookingDaysAhead: 5,
    districts: districts([
      ['120101', 'Heping', '和平区'],
      ['120102', 'Hedong', '河东区'],
      ['120103', 'Hexi', '河西区'],
      ['120104', 'Nankai', '南开区'],
      ['120105', 'Hebei', '河北区'],
      ['120106', 'Hongqiao', '红桥区'],
      ['120110', 'Dongli', '东丽区'],
      ['120111', 'Xiqing', '西青区'],
      ['120112', 'Jinnan', '津南区'],
      ['120113', 'Beichen', '北辰区'],
      ['120114', 'Wuqing', '武清区'],
      ['120115', 'Baodi', '宝坻区'],
      ['120116', 'Binhai New Area', '滨海新区'],
      ['120117', 'Ninghe', '宁河区'],
      ['120118', 'Jinghai', '静海区'],
      ['120119', 'Jizhou', '蓟州区'],
    ]),
  }),
  defineServiceArea({
    cityCode: DEMO_CITY.urumqi,
    cityName: 'Ürümqi',
    cityNameZh: '乌鲁木齐',
    // Xinjiang time (UTC+6): 15:00 here is 17:00 in Beijing.
    timeZone: 'Asia/Urumqi',
    sameDay: true,
    windows: fourWindows(30),
    districts: districts([
      ['650102', 'Tianshan', '天山区'],
      ['650103', 'Saybagh', '沙依巴克区'],
      ['650104', 'Xinshi', '新市区'],
      ['650105', 'Shuimogou', '水磨沟区'],
      ['650106', 'Toutunhe', '头屯河区'],
      ['650107', 'Dabancheng', '达坂城区'],
      ['650109', 'Midong', '米东区'],
    ]),
  }),
];

/** Looks a demo area up by city code. */
export function demoArea(cityCode: string): ServiceArea {
  const area = DEMO_AREAS.find((a) => a.cityCode === cityCode);
  if (!area) throw new RangeError(`No demo area ${cityCode}`);
  return area;
}

/**
 * Drop-off stores. Deliberately none in Suzhou, Tianjin, Chongqing, Xi'an or Ürümqi, so the
 * nearest-store fallback (same province → same region → none) has something to show.
 */
export const DEMO_STORES: readonly DropOffStore[] = [
  {
    id: 'store-bj-sanlitun',
    name: 'Reloop Sanlitun',
    nameZh: 'Reloop 回收站 · 三里屯店',
    cityCode: DEMO_CITY.beijing,
    districtCode: '110105',
    address: '北京市朝阳区三里屯路19号',
    openingHours: '10:00-22:00',
  },
  {
    id: 'store-bj-zhongguancun',
    name: 'Reloop Zhongguancun',
    nameZh: 'Reloop 回收站 · 中关村店',
    cityCode: DEMO_CITY.beijing,
    districtCode: '110108',
    address: '北京市海淀区中关村大街27号',
    openingHours: '10:00-21:00',
  },
  {
    id: 'store-sh-jingan',
    name: "Reloop Jing'an",
    nameZh: 'Reloop 回收站 · 静安店',
    cityCode: DEMO_CITY.shanghai,
    districtCode: '310106',
    address: '上海市静安区南京西路1266号',
    openingHours: '10:00-22:00',
  },
  {
    id: 'store-sh-lujiazui',
    name: 'Reloop Lujiazui',
    nameZh: 'Reloop 回收站 · 陆家嘴店',
    cityCode: DEMO_CITY.shanghai,
    districtCode: '310115',
    address: '上海市浦东新区世纪大道8号',
    openingHours: '10:00-22:00',
  },
  {
    id: 'store-gz-tianhe',
    name: 'Reloop Tianhe',
    nameZh: 'Reloop 回收站 · 天河店',
    cityCode: DEMO_CITY.guangzhou,
    districtCode: '440106',
    address: '广州市天河区天河路208号',
    openingHours: '10:00-22:00',
  },
  {
    id: 'store-sz-nanshan',
    name: 'Reloop Nanshan',
    nameZh: 'Reloop 回收站 · 南山科技园店',
    cityCode: DEMO_CITY.shenzhen,
    districtCode: '440305',
    address: '深圳市南山区深南大道9668号',
    openingHours: '10:00-22:00',
  },
  {
    id: 'store-sz-futian',
    name: 'Reloop Futian',
    nameZh: 'Reloop 回收站 · 福田店',
    cityCode: DEMO_CITY.shenzhen,
    districtCode: '440304',
    address: '深圳市福田区福华三路268号',
    openingHours: '10:00-22:00',
  },
  {
    id: 'store-cd-chunxi',
    name: 'Reloop Chunxi Road',
    nameZh: 'Reloop 回收站 · 春熙路店',
    cityCode: DEMO_CITY.chengdu,
    districtCode: '510104',
    address: '成都市锦江区红星路三段1号',
    openingHours: '10:00-22:00',
  },
  {
    id: 'store-hz-wulin',
    name: 'Reloop Wulin',
    nameZh: 'Reloop 回收站 · 武林店',
    cityCode: DEMO_CITY.hangzhou,
    districtCode: '330105',
    address: '杭州市拱墅区延安路530号',
    openingHours: '10:00-21:30',
  },
  {
    id: 'store-nj-xinjiekou',
    name: 'Reloop Xinjiekou',
    nameZh: 'Reloop 回收站 · 新街口店',
    cityCode: DEMO_CITY.nanjing,
    districtCode: '320102',
    address: '南京市玄武区中山路18号',
    openingHours: '10:00-22:00',
  },
  {
    id: 'store-wh-jianghan',
    name: 'Reloop Jianghan Road',
    nameZh: 'Reloop 回收站 · 江汉路店',
    cityCode: DEMO_CITY.wuhan,
    districtCode: '420103',
    address: '武汉市江汉区解放大道690号',
    openingHours: '10:00-22:00',
  },
];

/** Demo couriers (without assignments) for seeding the dispatch job. */
export const DEMO_COURIERS: readonly {
  id: string;
  name: string;
  areaCodes: readonly string[];
  capacityPerWindow: number;
}[] = [
  { id: 'courier-bj-01', name: '王强', areaCodes: [DEMO_CITY.beijing], capacityPerWindow: 6 },
  { id: 'courier-bj-02', name: '李娜', areaCodes: [DEMO_CITY.beijing], capacityPerWindow: 6 },
  {
    id: 'courier-bj-03',
    name: '赵磊',
    areaCodes: [DEMO_CITY.beijing, DEMO_CITY.tianjin],
    capacityPerWindow: 5,
  },
  { id: 'courier-sh-01', name: '陈静', areaCodes: [DEMO_CITY.shanghai], capacityPerWindow: 6 },
  {
    id: 'courier-sh-02',
    name: '周杰',
    areaCodes: [DEMO_CITY.shanghai, DEMO_CITY.suzhou],
    capacityPerWindow: 5,
  },
  { id: 'courier-gz-01', name: '黄伟', areaCodes: [DEMO_CITY.guangzhou], capacityPerWindow: 6 },
  { id: 'courier-sz-01', name: '林晓', areaCodes: [DEMO_CITY.shenzhen], capacityPerWindow: 6 },
  { id: 'courier-cd-01', name: '张敏', areaCodes: [DEMO_CITY.chengdu], capacityPerWindow: 5 },
  { id: 'courier-hz-01', name: '吴昊', areaCodes: [DEMO_CITY.hangzhou], capacityPerWindow: 5 },
  { id: 'courier-wh-01', name: '刘洋', areaCodes: [DEMO_CITY.wuhan], capacityPerWindow: 5 },
  { id: 'courier-xa-01', name: '杨帆', areaCodes: [DEMO_CITY.xian], capacityPerWindow: 4 },
  { id: 'courier-nj-01', name: '孙悦', areaCodes: [DEMO_CITY.nanjing], capacityPerWindow: 5 },
  { id: 'courier-cq-01', name: '何川', areaCodes: [DEMO_CITY.chongqing], capacityPerWindow: 4 },
  { id: 'courier-tj-01', name: '马超', areaCodes: [DEMO_CITY.tianjin], capacityPerWindow: 4 },
  { id: 'courier-urc-01', name: '艾力', areaCodes: [DEMO_CITY.urumqi], capacityPerWindow: 4 },
];

/** The suggested drop-off store for a city among the demo stores. */
export function nearestDemoStore(cityCode: string): ReturnType<typeof nearestStore> {
  return nearestStore(cityCode, DEMO_STORES);
}
