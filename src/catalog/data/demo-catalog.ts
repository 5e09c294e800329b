// The catalog: the three-level category tree (e.g. Digital › Phones › Smartphones), read from
// `config/categories.yaml` (issue 20 point 4) and checked there with the line of any problem,
// and the demo's reference product models with launch prices (still plain data here). The seed
// and `npm run config:apply` write the tree to `categories`; tests check its shape.
//
// Money is integer minor units (CNY fen). Prices are mainland-China launch prices of the base
// configuration where known, otherwise close approximations — good enough for a demo.

import { basename, extname } from 'node:path';
import { dataFolderFiles, operatorData } from '../../config/operator-data.js';
import { checkCategoryTree, type IdentifierKind, type StorageMediaType } from './category-tree.js';

export {
  IDENTIFIER_KINDS,
  STORAGE_MEDIA_TYPES,
  type IdentifierKind,
  type StorageMediaType,
} from './category-tree.js';

/** How the erasure tool reaches the medium; decides the erasure method (NIST SP 800-88). */
export type StorageInterface = 'nvme' | 'sata' | 'ufs' | 'mmc' | 'usb';

/** A storage medium an item of a leaf category carries by default. */
export interface StorageMedium {
  type: StorageMediaType;
  interface: StorageInterface;
}

interface CategoryBase {
  /** Stable, unique, kebab-case; the seed upserts by it. */
  code: string;
  name: string;
  /** Chinese display name (the platform's home market). */
  nameZh: string;
  /** null for a top-level category. */
  parentCode: string | null;
}

/** A category with children (levels 1 and 2). */
export interface BranchCategory extends CategoryBase {
  level: 1 | 2;
  leaf: false;
}

/** A third-level category: the one items and product models belong to. */
export interface LeafCategory extends CategoryBase {
  level: 3;
  leaf: true;
  parentCode: string;
  /** Items carry storage holding personal data and must be erased before they leave. */
  requiresErasure: boolean;
  identifier: IdentifierKind;
  /** Code of the grading standard family that applies (see catalog/standards/demo-standards). */
  standardCode: string;
  typicalWeightGrams: number;
  /** What a recycler pays for a scrap item, integer CNY fen. */
  scrapValueMinor: number;
  /** Default storage media for erasure; [] when none. Non-empty exactly when requiresErasure. */
  storageMedia: StorageMedium[];
}

export type DemoCategory = BranchCategory | LeafCategory;

export interface DemoProductModel {
  /** Stable, unique, kebab-case. */
  code: string;
  brand: string;
  model: string;
  /** A leaf category code. */
  categoryCode: string;
  /** ISO date (YYYY-MM-DD) of market launch. */
  launchDate: string;
  /** Launch price, integer minor units. */
  launchPriceMinor: number;
  currency: 'CNY';
}

export const DEMO_CURRENCY = 'CNY';

/** `config/categories.yaml` as its schema describes it: the tree, nested. */
export interface CategoriesFile {
  categories: Array<
    CategoryNames & {
      children: Array<
        CategoryNames & {
          children: Array<
            CategoryNames &
              Pick<
                LeafCategory,
                'identifier' | 'standardCode' | 'typicalWeightGrams' | 'scrapValueMinor'
              > & { storageMedia?: StorageMedium[] }
          >;
        }
      >;
    }
  >;
}
type CategoryNames = Pick<CategoryBase, 'code' | 'name' | 'nameZh'>;

/** The tree as a list, every parent before its children, with each entry's path in the file. */
function flatten(file: CategoriesFile): Array<{ category: DemoCategory; path: number[] }> {
  const out: Array<{ category: DemoCategory; path: number[] }> = [];
  file.categories.forEach((root, i) => {
    const { code, name, nameZh } = root;
    out.push({
      category: { code, name, nameZh, parentCode: null, level: 1, leaf: false },
      path: [i],
    });
    root.children.forEach((branch, j) => {
      const { code, name, nameZh } = branch;
      out.push({
        category: { code, name, nameZh, parentCode: root.code, level: 2, leaf: false },
        path: [i, j],
      });
      branch.children.forEach(({ storageMedia = [], ...leaf }, k) => {
        out.push({
          category: {
            ...leaf,
            parentCode: branch.code,
            level: 3,
            leaf: true,
            requiresErasure: storageMedia.length > 0,
            storageMedia,
          },
          path: [i, j, k],
        });
      });
    });
  });
  return out;
}

/** The field a tree problem is about, where it is one field. */
const fieldOf = (message: string): string[] =>
  message.startsWith('unknown standard')
    ? ['standardCode']
    : message === 'duplicate code'
      ? ['code']
      : [];

/** The tree's rules the schema cannot say: unique codes, and each leaf's standard has a file. */
function checkCategories(file: CategoriesFile, _entry: string, configDir: string) {
  const entries = flatten(file);
  const pathOf = new Map(
    entries.map(({ category, path }) => [
      category.code,
      path.flatMap((index, depth) => [depth === 0 ? 'categories' : 'children', index]),
    ]),
  );
  const standards = new Set(
    dataFolderFiles('grading-standards', configDir).map((f) => basename(f, extname(f))),
  );
  return checkCategoryTree(
    entries.map((e) => e.category),
    standards,
  ).map((p) => ({
    path: [...(pathOf.get(p.code) ?? []), ...fieldOf(p.message)],
    message: p.message,
  }));
}

/** The category tree from `config/categories.yaml`, every parent before its children. */
export const DEMO_CATEGORIES: readonly DemoCategory[] = flatten(
  operatorData<CategoriesFile>('categories', checkCategories),
).map((e) => e.category);

/** The leaf categories only. */
export const DEMO_LEAF_CATEGORIES: readonly LeafCategory[] = DEMO_CATEGORIES.filter(
  (c): c is LeafCategory => c.leaf,
);

const model = (
  code: string,
  brand: string,
  modelName: string,
  categoryCode: string,
  launchDate: string,
  launchPriceCny: number,
): DemoProductModel => ({
  code,
  brand,
  model: modelName,
  categoryCode,
  launchDate,
  launchPriceMinor: Math.round(launchPriceCny * 100),
  currency: 'CNY',
});

export const DEMO_PRODUCT_MODELS: readonly DemoProductModel[] = [
  // Smartphones
  model(
    'apple-iphone-16-pro-128',
    'Apple',
    'iPhone 16 Pro 128GB',
    'smartphones',
    '2024-09-20',
    7999,
  ),
  model(
    'apple-iphone-15-pro-128',
    'Apple',
    'iPhone 15 Pro 128GB',
    'smartphones',
    '2023-09-22',
    7999,
  ),
  model('apple-iphone-15-128', 'Apple', 'iPhone 15 128GB', 'smartphones', '2023-09-22', 5999),
  model('apple-iphone-14-128', 'Apple', 'iPhone 14 128GB', 'smartphones', '2022-09-16', 5999),
  model('apple-iphone-13-128', 'Apple', 'iPhone 13 128GB', 'smartphones', '2021-09-24', 5999),
  model(
    'samsung-galaxy-s24-256',
    'Samsung',
    'Galaxy S24 8GB+256GB',
    'smartphones',
    '2024-01-31',
    5999,
  ),
  model(
    'huawei-mate-60-pro-256',
    'Huawei',
    'Mate 60 Pro 12GB+256GB',
    'smartphones',
    '2023-08-29',
    6999,
  ),
  model('xiaomi-14-256', 'Xiaomi', 'Xiaomi 14 8GB+256GB', 'smartphones', '2023-10-31', 3999),
  model('vivo-x100-pro-256', 'vivo', 'X100 Pro 12GB+256GB', 'smartphones', '2023-11-21', 4999),
  model(
    'oppo-find-x7-ultra-256',
    'OPPO',
    'Find X7 Ultra 12GB+256GB',
    'smartphones',
    '2024-01-12',
    5999,
  ),
  // Foldables and feature phones
  model(
    'samsung-galaxy-z-fold5-256',
    'Samsung',
    'Galaxy Z Fold5 12GB+256GB',
    'foldable-phones',
    '2023-08-11',
    13999,
  ),
  model(
    'huawei-mate-x5-256',
    'Huawei',
    'Mate X5 12GB+256GB',
    'foldable-phones',
    '2023-09-08',
    12999,
  ),
  model('nokia-105-4g-2023', 'Nokia', '105 4G (2023)', 'feature-phones', '2023-06-01', 239),
  // Tablets and e-readers
  model(
    'apple-ipad-air-m2-11-128',
    'Apple',
    'iPad Air 11-inch (M2) 128GB Wi-Fi',
    'tablets',
    '2024-05-15',
    4799,
  ),
  model(
    'apple-ipad-10-64',
    'Apple',
    'iPad (10th generation) 64GB Wi-Fi',
    'tablets',
    '2022-10-26',
    3599,
  ),
  model(
    'huawei-matepad-pro-13-2',
    'Huawei',
    'MatePad Pro 13.2 12GB+256GB',
    'tablets',
    '2023-09-25',
    5199,
  ),
  model('xiaomi-pad-6-128', 'Xiaomi', 'Xiaomi Pad 6 8GB+128GB', 'tablets', '2023-04-21', 1999),
  model(
    'amazon-kindle-paperwhite-5',
    'Amazon',
    'Kindle Paperwhite (11th generation) 8GB',
    'e-readers',
    '2021-10-27',
    1068,
  ),
  // Computers
  model(
    'apple-macbook-air-m2-13-256',
    'Apple',
    'MacBook Air 13-inch (M2) 8GB/256GB',
    'laptops',
    '2022-07-15',
    9499,
  ),
  model(
    'apple-macbook-pro-14-m3-pro',
    'Apple',
    'MacBook Pro 14-inch (M3 Pro) 18GB/512GB',
    'laptops',
    '2023-11-07',
    16999,
  ),
  model(
    'lenovo-thinkpad-x1-carbon-gen11',
    'Lenovo',
    'ThinkPad X1 Carbon Gen 11 i7/16GB/1TB',
    'laptops',
    '2023-03-15',
    12999,
  ),
  model('dell-xps-13-9315', 'Dell', 'XPS 13 9315 i5/16GB/512GB', 'laptops', '2022-06-01', 8999),
  model(
    'huawei-matebook-x-pro-2023',
    'Huawei',
    'MateBook X Pro 2023 i7/16GB/1TB',
    'laptops',
    '2023-03-23',
    11999,
  ),
  model(
    'lenovo-legion-y9000p-2023',
    'Lenovo',
    'Legion Y9000P 2023 i9/16GB/1TB RTX 4060',
    'gaming-laptops',
    '2023-01-04',
    9999,
  ),
  model(
    'asus-rog-zephyrus-g14-2023',
    'ASUS',
    'ROG Zephyrus G14 2023 R9/16GB/1TB RTX 4060',
    'gaming-laptops',
    '2023-02-20',
    10999,
  ),
  model(
    'apple-mac-mini-m2-256',
    'Apple',
    'Mac mini (M2) 8GB/256GB',
    'desktop-pcs',
    '2023-01-24',
    4499,
  ),
  model(
    'apple-imac-24-m3-256',
    'Apple',
    'iMac 24-inch (M3) 8GB/256GB',
    'all-in-one-pcs',
    '2023-11-07',
    10999,
  ),
  // Cameras, lenses and drones
  model(
    'sony-a7-iv-body',
    'Sony',
    'Alpha 7 IV (ILCE-7M4) body',
    'mirrorless-cameras',
    '2021-12-16',
    16999,
  ),
  model(
    'canon-eos-r6-mark-ii-body',
    'Canon',
    'EOS R6 Mark II body',
    'mirrorless-cameras',
    '2022-11-30',
    15999,
  ),
  model('nikon-z6-ii-body', 'Nikon', 'Z 6II body', 'mirrorless-cameras', '2020-11-05', 12999),
  model(
    'canon-eos-5d-mark-iv-body',
    'Canon',
    'EOS 5D Mark IV body',
    'dslr-cameras',
    '2016-09-08',
    21799,
  ),
  model('nikon-d850-body', 'Nikon', 'D850 body', 'dslr-cameras', '2017-09-07', 23999),
  model('fujifilm-x100v', 'Fujifilm', 'X100V', 'compact-cameras', '2020-02-27', 9590),
  model('sony-rx100-vii', 'Sony', 'RX100 VII', 'compact-cameras', '2019-08-29', 8499),
  model(
    'sony-fe-24-70-gm-ii',
    'Sony',
    'FE 24-70mm F2.8 GM II',
    'camera-lenses',
    '2022-05-20',
    15999,
  ),
  model(
    'canon-rf-24-70-f2-8',
    'Canon',
    'RF 24-70mm F2.8 L IS USM',
    'camera-lenses',
    '2019-09-26',
    17499,
  ),
  model('gopro-hero12-black', 'GoPro', 'HERO12 Black', 'action-cameras', '2023-09-13', 3198),
  model('dji-osmo-action-4', 'DJI', 'Osmo Action 4', 'action-cameras', '2023-08-02', 2498),
  model('dji-mini-4-pro', 'DJI', 'Mini 4 Pro', 'camera-drones', '2023-09-25', 4788),
  model('dji-air-3', 'DJI', 'Air 3', 'camera-drones', '2023-07-25', 6988),
  // Gaming
  model(
    'sony-ps5-disc',
    'Sony',
    'PlayStation 5 (disc edition)',
    'home-consoles',
    '2021-05-15',
    3899,
  ),
  model(
    'microsoft-xbox-series-x',
    'Microsoft',
    'Xbox Series X',
    'home-consoles',
    '2021-06-10',
    3899,
  ),
  model(
    'nintendo-switch-oled',
    'Nintendo',
    'Switch (OLED model)',
    'handheld-consoles',
    '2021-10-08',
    2599,
  ),
  model(
    'valve-steam-deck-oled-512',
    'Valve',
    'Steam Deck OLED 512GB',
    'handheld-consoles',
    '2023-11-16',
    3999,
  ),
  model('pico-4-128', 'PICO', 'PICO 4 8GB+128GB', 'vr-headsets', '2022-09-27', 2499),
  // Wearables
  model(
    'apple-watch-s9-41-gps',
    'Apple',
    'Apple Watch Series 9 41mm GPS',
    'smartwatches',
    '2023-09-22',
    2999,
  ),
  model('huawei-watch-gt-4-46', 'Huawei', 'WATCH GT 4 46mm', 'smartwatches', '2023-09-14', 1488),
  model('xiaomi-smart-band-8', 'Xiaomi', 'Smart Band 8', 'fitness-bands', '2023-04-18', 239),
  model(
    'apple-airpods-pro-2',
    'Apple',
    'AirPods Pro (2nd generation)',
    'wireless-earbuds',
    '2022-09-23',
    1899,
  ),
  model(
    'huawei-freebuds-pro-3',
    'Huawei',
    'FreeBuds Pro 3',
    'wireless-earbuds',
    '2023-09-25',
    1499,
  ),
  // Home
  model(
    'haier-bcd-470wgh-fd',
    'Haier',
    'BCD-470 French-door refrigerator 470L',
    'refrigerators',
    '2022-03-01',
    4999,
  ),
  model(
    'midea-bcd-508wkpzm',
    'Midea',
    'BCD-508WKPZM(E) side-by-side refrigerator 508L',
    'refrigerators',
    '2021-04-01',
    3299,
  ),
  model(
    'littleswan-td100v86wmady5',
    'Little Swan',
    'TD100V86WMADY5 washer-dryer 10kg',
    'washing-machines',
    '2021-09-01',
    3999,
  ),
  model(
    'gree-yunjia-kfr-35gw',
    'Gree',
    'Yunjia KFR-35GW 1.5HP inverter split',
    'air-conditioners',
    '2022-04-01',
    2999,
  ),
  model('roborock-s8-pro-ultra', 'Roborock', 'S8 Pro Ultra', 'robot-vacuums', '2023-04-18', 6999),
  model('ecovacs-deebot-x2-omni', 'Ecovacs', 'DEEBOT X2 OMNI', 'robot-vacuums', '2023-03-28', 6999),
  model('dyson-v15-detect', 'Dyson', 'V15 Detect', 'stick-vacuums', '2021-03-16', 5490),
  model(
    'delonghi-ecam22-110',
    'De’Longhi',
    'Magnifica S ECAM22.110.B',
    'coffee-machines',
    '2019-06-01',
    3990,
  ),
  model(
    'xiaomi-air-purifier-4-pro',
    'Xiaomi',
    'Mi Air Purifier 4 Pro',
    'air-purifiers',
    '2021-06-01',
    1499,
  ),
  model('yamaha-u1', 'Yamaha', 'U1 upright piano (121 cm)', 'upright-pianos', '2019-01-01', 49800),
  model(
    'pearl-river-up118m',
    'Pearl River',
    'UP118M upright piano',
    'upright-pianos',
    '2020-01-01',
    13800,
  ),
  model('kawai-k-300', 'Kawai', 'K-300 upright piano', 'upright-pianos', '2014-01-01', 45000),
  model('yamaha-c3x', 'Yamaha', 'C3X grand piano (186 cm)', 'grand-pianos', '2012-01-01', 238000),
  model('roland-fp-30x', 'Roland', 'FP-30X digital piano', 'digital-pianos', '2021-01-28', 4999),
  // Luxury
  model(
    'lv-neverfull-mm',
    'Louis Vuitton',
    'Neverfull MM Monogram',
    'tote-bags',
    '2007-01-01',
    15300,
  ),
  model('lv-onthego-mm', 'Louis Vuitton', 'OnTheGo MM Monogram', 'tote-bags', '2019-05-01', 26500),
  model(
    'chanel-classic-flap-medium',
    'Chanel',
    'Classic 11.12 Flap Bag Medium',
    'handbags',
    '2023-03-01',
    78600,
  ),
  model('hermes-birkin-30-togo', 'Hermès', 'Birkin 30 Togo', 'handbags', '2022-01-01', 92000),
  model(
    'gucci-gg-marmont-small',
    'Gucci',
    'GG Marmont Small Shoulder Bag',
    'crossbody-bags',
    '2016-09-01',
    18900,
  ),
  model('dior-saddle-bag', 'Dior', 'Saddle Bag Oblique', 'crossbody-bags', '2018-07-01', 29000),
  model('lv-zippy-wallet', 'Louis Vuitton', 'Zippy Wallet Monogram', 'wallets', '2010-01-01', 6650),
  model(
    'rolex-submariner-126610ln',
    'Rolex',
    'Submariner Date 126610LN',
    'mechanical-watches',
    '2020-09-01',
    79400,
  ),
  model(
    'rolex-datejust-41-126334',
    'Rolex',
    'Datejust 41 126334',
    'mechanical-watches',
    '2017-03-01',
    76500,
  ),
  model(
    'omega-speedmaster-moonwatch-2021',
    'Omega',
    'Speedmaster Moonwatch Professional 310.30.42.50.01.001',
    'mechanical-watches',
    '2021-01-05',
    51200,
  ),
  model(
    'cartier-tank-must-large',
    'Cartier',
    'Tank Must Large WSTA0041',
    'quartz-watches',
    '2021-04-07',
    21500,
  ),
  // Books
  model(
    'tongji-advanced-mathematics-7',
    '高等教育出版社',
    '高等数学（第七版）上册',
    'textbooks',
    '2014-07-01',
    47.6,
  ),
  model('three-body-problem', '重庆出版社', '三体（刘慈欣）', 'literature', '2008-01-01', 23),
  model('to-live-yu-hua', '作家出版社', '活着（余华）', 'literature', '2012-08-01', 28),
  model(
    'harry-potter-1-zh',
    '人民文学出版社',
    '哈利·波特与魔法石',
    'childrens-books',
    '2000-09-01',
    59,
  ),
  model('one-piece-vol-1-zh', '浙江人民美术出版社', '航海王 卷1', 'comics-manga', '2018-01-01', 35),
  // Clothing
  model(
    'max-mara-101801-coat',
    'Max Mara',
    '101801 Icon Coat',
    'womens-coats',
    '2021-09-01',
    27900,
  ),
  model('moncler-maya', 'Moncler', 'Maya short down jacket', 'down-jackets', '2021-10-01', 14400),
  model(
    'canada-goose-expedition',
    'Canada Goose',
    'Expedition Parka',
    'down-jackets',
    '2020-10-01',
    11900,
  ),
  model('hugo-boss-slim-suit', 'BOSS', 'Slim-fit wool suit', 'mens-suits', '2022-09-01', 6999),
  model(
    'diane-von-furstenberg-wrap',
    'Diane von Furstenberg',
    'Silk wrap dress',
    'dresses',
    '2022-03-01',
    4990,
  ),
  model(
    'nike-air-jordan-1-chicago-2022',
    'Nike',
    'Air Jordan 1 Retro High OG "Chicago Lost & Found"',
    'sneakers',
    '2022-11-19',
    1399,
  ),
  model('adidas-yeezy-350-v2', 'adidas', 'Yeezy Boost 350 V2', 'sneakers', '2019-06-22', 1899),
  model('church-s-consul', 'Church’s', 'Consul Oxford', 'leather-shoes', '2020-01-01', 6900),
  // Vehicles
  model(
    'toyota-camry-2020-2-5g',
    'Toyota',
    'Camry 2020 2.5G Luxury',
    'sedans',
    '2019-10-01',
    209800,
  ),
  model(
    'honda-accord-2022-260turbo',
    'Honda',
    'Accord 2022 260TURBO',
    'sedans',
    '2022-03-01',
    179800,
  ),
  model(
    'vw-magotan-2021-330tsi',
    'Volkswagen',
    'Magotan 2021 330TSI',
    'sedans',
    '2021-01-01',
    199900,
  ),
  model('toyota-rav4-2021-2-0', 'Toyota', 'RAV4 2021 2.0L CVT 2WD', 'suvs', '2021-01-01', 179800),
  model('honda-cr-v-2021-240turbo', 'Honda', 'CR-V 2021 240TURBO', 'suvs', '2021-03-01', 181800),
  model('buick-gl8-es-2021', 'Buick', 'GL8 ES 2021 653T', 'mpvs', '2021-01-01', 328900),
  model(
    'tesla-model-3-2023-rwd',
    'Tesla',
    'Model 3 2023 RWD (Highland)',
    'battery-electric-vehicles',
    '2023-09-01',
    259900,
  ),
  model(
    'tesla-model-y-2022-rwd',
    'Tesla',
    'Model Y 2022 RWD',
    'battery-electric-vehicles',
    '2022-01-01',
    301840,
  ),
  model(
    'byd-han-ev-2020',
    'BYD',
    'Han EV 2020 506km',
    'battery-electric-vehicles',
    '2020-07-12',
    229800,
  ),
  model(
    'byd-qin-plus-dm-i-2021',
    'BYD',
    'Qin PLUS DM-i 2021 55km',
    'plug-in-hybrids',
    '2021-03-18',
    106800,
  ),
  model('li-auto-l9-2022', 'Li Auto', 'L9 2022 Max', 'plug-in-hybrids', '2022-06-21', 459800),
];

/** Leaf category by code. */
export function findDemoLeaf(code: string): LeafCategory | undefined {
  return DEMO_LEAF_CATEGORIES.find((c) => c.code === code);
}

/** Names from the top of the tree down to the category: ['Digital', 'Phones', 'Smartphones']. */
export function categoryPath(
  code: string,
  categories: readonly DemoCategory[] = DEMO_CATEGORIES,
): string[] {
  const byCode = new Map(categories.map((c) => [c.code, c]));
  const path: string[] = [];
  let current = byCode.get(code);
  while (current) {
    path.unshift(current.name);
    current = current.parentCode === null ? undefined : byCode.get(current.parentCode);
    if (path.length > categories.length) throw new Error(`cycle in the category tree at ${code}`);
  }
  return path;
}
