// The demo catalog as plain data: a three-level category tree (e.g. Digital › Phones ›
// Smartphones) and reference product models with launch prices. The seed loads it; tests check
// its shape (unique codes, three levels, every leaf has a standard).
//
// Money is integer minor units (CNY fen). Prices are mainland-China launch prices of the base
// configuration where known, otherwise close approximations — good enough for a demo.

/** What identifies an individual item of a leaf category. */
export type IdentifierKind = 'imei' | 'serial' | 'vin' | 'none';
export const IDENTIFIER_KINDS: readonly IdentifierKind[] = ['imei', 'serial', 'vin', 'none'];

export type StorageMediaType = 'hdd' | 'ssd' | 'flash' | 'emmc';
export const STORAGE_MEDIA_TYPES: readonly StorageMediaType[] = ['hdd', 'ssd', 'flash', 'emmc'];

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
  /** Code of the grading standard family that applies (see grading/engine/demo-standards). */
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

const branch = (
  level: 1 | 2,
  code: string,
  name: string,
  nameZh: string,
  parentCode: string | null = null,
): BranchCategory => ({ code, name, nameZh, parentCode, level, leaf: false });

const FLASH_UFS: StorageMedium = { type: 'flash', interface: 'ufs' };
const FLASH_NVME: StorageMedium = { type: 'flash', interface: 'nvme' };
const SSD_NVME: StorageMedium = { type: 'ssd', interface: 'nvme' };
const HDD_SATA: StorageMedium = { type: 'hdd', interface: 'sata' };
const EMMC: StorageMedium = { type: 'emmc', interface: 'mmc' };

interface LeafSpec {
  identifier: IdentifierKind;
  standard: string;
  weightGrams: number;
  /** CNY (converted to fen). */
  scrapCny: number;
  storage?: StorageMedium[];
}

const leaf = (
  code: string,
  name: string,
  nameZh: string,
  parentCode: string,
  spec: LeafSpec,
): LeafCategory => {
  const storageMedia = spec.storage ?? [];
  return {
    code,
    name,
    nameZh,
    parentCode,
    level: 3,
    leaf: true,
    requiresErasure: storageMedia.length > 0,
    identifier: spec.identifier,
    standardCode: spec.standard,
    typicalWeightGrams: spec.weightGrams,
    scrapValueMinor: Math.round(spec.scrapCny * 100),
    storageMedia,
  };
};

export const DEMO_CATEGORIES: readonly DemoCategory[] = [
  // ── Digital ─────────────────────────────────────────────────────────────────────────────
  branch(1, 'digital', 'Digital', '数码'),
  branch(2, 'phones', 'Phones', '手机', 'digital'),
  leaf('smartphones', 'Smartphones', '智能手机', 'phones', {
    identifier: 'imei',
    standard: 'phone',
    weightGrams: 190,
    scrapCny: 40,
    storage: [FLASH_UFS],
  }),
  leaf('foldable-phones', 'Foldable phones', '折叠屏手机', 'phones', {
    identifier: 'imei',
    standard: 'phone',
    weightGrams: 250,
    scrapCny: 60,
    storage: [FLASH_UFS],
  }),
  leaf('feature-phones', 'Feature phones', '功能机', 'phones', {
    identifier: 'imei',
    standard: 'phone',
    weightGrams: 90,
    scrapCny: 3,
    storage: [EMMC],
  }),

  branch(2, 'tablets-e-readers', 'Tablets and e-readers', '平板与电子书', 'digital'),
  leaf('tablets', 'Tablets', '平板电脑', 'tablets-e-readers', {
    identifier: 'serial',
    standard: 'tablet',
    weightGrams: 480,
    scrapCny: 50,
    storage: [FLASH_UFS],
  }),
  leaf('e-readers', 'E-readers', '电子书阅读器', 'tablets-e-readers', {
    identifier: 'serial',
    standard: 'tablet',
    weightGrams: 210,
    scrapCny: 10,
    storage: [EMMC],
  }),

  branch(2, 'computers', 'Computers', '电脑', 'digital'),
  leaf('laptops', 'Laptops', '笔记本电脑', 'computers', {
    identifier: 'serial',
    standard: 'laptop',
    weightGrams: 1400,
    scrapCny: 120,
    storage: [FLASH_NVME],
  }),
  leaf('gaming-laptops', 'Gaming laptops', '游戏本', 'computers', {
    identifier: 'serial',
    standard: 'laptop',
    weightGrams: 2500,
    scrapCny: 150,
    storage: [SSD_NVME],
  }),
  leaf('desktop-pcs', 'Desktop PCs', '台式电脑', 'computers', {
    identifier: 'serial',
    standard: 'laptop',
    weightGrams: 8000,
    scrapCny: 100,
    storage: [SSD_NVME, HDD_SATA],
  }),
  leaf('all-in-one-pcs', 'All-in-one PCs', '一体机', 'computers', {
    identifier: 'serial',
    standard: 'laptop',
    weightGrams: 4500,
    scrapCny: 120,
    storage: [FLASH_NVME],
  }),

  branch(2, 'cameras', 'Cameras and drones', '相机与无人机', 'digital'),
  leaf('mirrorless-cameras', 'Mirrorless cameras', '微单相机', 'cameras', {
    identifier: 'serial',
    standard: 'camera',
    weightGrams: 660,
    scrapCny: 80,
  }),
  leaf('dslr-cameras', 'DSLR cameras', '单反相机', 'cameras', {
    identifier: 'serial',
    standard: 'camera',
    weightGrams: 900,
    scrapCny: 80,
  }),
  leaf('compact-cameras', 'Compact cameras', '卡片相机', 'cameras', {
    identifier: 'serial',
    standard: 'camera',
    weightGrams: 300,
    scrapCny: 30,
  }),
  leaf('camera-lenses', 'Camera lenses', '相机镜头', 'cameras', {
    identifier: 'serial',
    standard: 'camera',
    weightGrams: 700,
    scrapCny: 50,
  }),
  leaf('action-cameras', 'Action cameras', '运动相机', 'cameras', {
    identifier: 'serial',
    standard: 'camera',
    weightGrams: 150,
    scrapCny: 15,
  }),
  // Camera drones keep flight logs, photos and the owner's account binding on internal storage.
  leaf('camera-drones', 'Camera drones', '航拍无人机', 'cameras', {
    identifier: 'serial',
    standard: 'camera',
    weightGrams: 720,
    scrapCny: 40,
    storage: [EMMC],
  }),

  branch(2, 'gaming', 'Gaming', '游戏设备', 'digital'),
  leaf('home-consoles', 'Home consoles', '家用游戏机', 'gaming', {
    identifier: 'serial',
    standard: 'console',
    weightGrams: 4200,
    scrapCny: 60,
    storage: [SSD_NVME],
  }),
  leaf('handheld-consoles', 'Handheld consoles', '掌上游戏机', 'gaming', {
    identifier: 'serial',
    standard: 'console',
    weightGrams: 420,
    scrapCny: 30,
    storage: [EMMC],
  }),
  leaf('vr-headsets', 'VR headsets', 'VR 头显', 'gaming', {
    identifier: 'serial',
    standard: 'console',
    weightGrams: 515,
    scrapCny: 25,
    storage: [FLASH_UFS],
  }),

  branch(2, 'wearables', 'Wearables', '智能穿戴', 'digital'),
  leaf('smartwatches', 'Smartwatches', '智能手表', 'wearables', {
    identifier: 'serial',
    standard: 'wearable',
    weightGrams: 40,
    scrapCny: 10,
    storage: [EMMC],
  }),
  leaf('fitness-bands', 'Fitness bands', '智能手环', 'wearables', {
    identifier: 'serial',
    standard: 'wearable',
    weightGrams: 27,
    scrapCny: 2,
    storage: [EMMC],
  }),
  leaf('wireless-earbuds', 'Wireless earbuds', '无线耳机', 'wearables', {
    identifier: 'serial',
    standard: 'wearable',
    weightGrams: 55,
    scrapCny: 5,
  }),

  // ── Home ────────────────────────────────────────────────────────────────────────────────
  branch(1, 'home', 'Home', '家居'),
  branch(2, 'large-appliances', 'Large appliances', '大家电', 'home'),
  leaf('refrigerators', 'Refrigerators', '冰箱', 'large-appliances', {
    identifier: 'serial',
    standard: 'appliance',
    weightGrams: 85000,
    scrapCny: 120,
  }),
  leaf('washing-machines', 'Washing machines', '洗衣机', 'large-appliances', {
    identifier: 'serial',
    standard: 'appliance',
    weightGrams: 70000,
    scrapCny: 80,
  }),
  leaf('air-conditioners', 'Air conditioners', '空调', 'large-appliances', {
    identifier: 'serial',
    standard: 'appliance',
    weightGrams: 40000,
    scrapCny: 200,
  }),

  branch(2, 'small-appliances', 'Small appliances', '小家电', 'home'),
  // Robot vacuums store home maps, camera images and Wi-Fi credentials.
  leaf('robot-vacuums', 'Robot vacuums', '扫地机器人', 'small-appliances', {
    identifier: 'serial',
    standard: 'appliance',
    weightGrams: 4500,
    scrapCny: 20,
    storage: [EMMC],
  }),
  leaf('stick-vacuums', 'Stick vacuums', '手持吸尘器', 'small-appliances', {
    identifier: 'serial',
    standard: 'appliance',
    weightGrams: 3000,
    scrapCny: 15,
  }),
  leaf('coffee-machines', 'Coffee machines', '咖啡机', 'small-appliances', {
    identifier: 'serial',
    standard: 'appliance',
    weightGrams: 9000,
    scrapCny: 20,
  }),
  leaf('air-purifiers', 'Air purifiers', '空气净化器', 'small-appliances', {
    identifier: 'serial',
    standard: 'appliance',
    weightGrams: 7000,
    scrapCny: 15,
  }),

  branch(2, 'musical-instruments', 'Musical instruments', '乐器', 'home'),
  leaf('upright-pianos', 'Upright pianos', '立式钢琴', 'musical-instruments', {
    identifier: 'serial',
    standard: 'piano',
    weightGrams: 230000,
    scrapCny: 200,
  }),
  leaf('grand-pianos', 'Grand pianos', '三角钢琴', 'musical-instruments', {
    identifier: 'serial',
    standard: 'piano',
    weightGrams: 320000,
    scrapCny: 400,
  }),
  leaf('digital-pianos', 'Digital pianos', '电钢琴', 'musical-instruments', {
    identifier: 'serial',
    standard: 'piano',
    weightGrams: 14000,
    scrapCny: 30,
  }),

  // ── Luxury ──────────────────────────────────────────────────────────────────────────────
  branch(1, 'luxury', 'Luxury', '奢侈品'),
  branch(2, 'bags', 'Bags and leather goods', '箱包皮具', 'luxury'),
  leaf('handbags', 'Handbags', '手提包', 'bags', {
    identifier: 'serial',
    standard: 'bag',
    weightGrams: 800,
    scrapCny: 5,
  }),
  leaf('tote-bags', 'Tote bags', '托特包', 'bags', {
    identifier: 'serial',
    standard: 'bag',
    weightGrams: 700,
    scrapCny: 5,
  }),
  leaf('crossbody-bags', 'Crossbody bags', '斜挎包', 'bags', {
    identifier: 'serial',
    standard: 'bag',
    weightGrams: 550,
    scrapCny: 4,
  }),
  leaf('wallets', 'Wallets and small leather goods', '钱包卡包', 'bags', {
    identifier: 'serial',
    standard: 'bag',
    weightGrams: 200,
    scrapCny: 2,
  }),

  branch(2, 'watches', 'Watches', '腕表', 'luxury'),
  leaf('mechanical-watches', 'Mechanical watches', '机械表', 'watches', {
    identifier: 'serial',
    standard: 'watch',
    weightGrams: 155,
    scrapCny: 300,
  }),
  leaf('quartz-watches', 'Quartz watches', '石英表', 'watches', {
    identifier: 'serial',
    standard: 'watch',
    weightGrams: 90,
    scrapCny: 100,
  }),

  // ── Books ───────────────────────────────────────────────────────────────────────────────
  branch(1, 'books', 'Books', '图书'),
  branch(2, 'printed-books', 'Printed books', '纸质书', 'books'),
  leaf('textbooks', 'Textbooks', '教材教辅', 'printed-books', {
    identifier: 'none',
    standard: 'book',
    weightGrams: 700,
    scrapCny: 0.7,
  }),
  leaf('literature', 'Literature and fiction', '文学小说', 'printed-books', {
    identifier: 'none',
    standard: 'book',
    weightGrams: 450,
    scrapCny: 0.45,
  }),
  leaf('childrens-books', 'Children’s books', '童书', 'printed-books', {
    identifier: 'none',
    standard: 'book',
    weightGrams: 350,
    scrapCny: 0.35,
  }),
  leaf('comics-manga', 'Comics and manga', '漫画', 'printed-books', {
    identifier: 'none',
    standard: 'book',
    weightGrams: 200,
    scrapCny: 0.2,
  }),

  // ── Clothing ────────────────────────────────────────────────────────────────────────────
  branch(1, 'clothing', 'Clothing', '服饰'),
  branch(2, 'womenswear', 'Womenswear', '女装', 'clothing'),
  leaf('womens-coats', 'Women’s coats', '女士大衣', 'womenswear', {
    identifier: 'none',
    standard: 'clothing',
    weightGrams: 1300,
    scrapCny: 1.5,
  }),
  leaf('dresses', 'Dresses', '连衣裙', 'womenswear', {
    identifier: 'none',
    standard: 'clothing',
    weightGrams: 400,
    scrapCny: 0.5,
  }),
  branch(2, 'menswear', 'Menswear', '男装', 'clothing'),
  leaf('mens-suits', 'Men’s suits', '男士西装', 'menswear', {
    identifier: 'none',
    standard: 'clothing',
    weightGrams: 1500,
    scrapCny: 1.5,
  }),
  leaf('down-jackets', 'Down jackets', '羽绒服', 'menswear', {
    identifier: 'none',
    standard: 'clothing',
    weightGrams: 1200,
    scrapCny: 3,
  }),
  branch(2, 'footwear', 'Footwear', '鞋靴', 'clothing'),
  leaf('sneakers', 'Sneakers', '运动鞋', 'footwear', {
    identifier: 'none',
    standard: 'clothing',
    weightGrams: 900,
    scrapCny: 1,
  }),
  leaf('leather-shoes', 'Leather shoes', '皮鞋', 'footwear', {
    identifier: 'none',
    standard: 'clothing',
    weightGrams: 1100,
    scrapCny: 1,
  }),

  // ── Vehicles ────────────────────────────────────────────────────────────────────────────
  // Scrap values: steel and parts of a dismantled car; a traction battery adds a lot.
  branch(1, 'vehicles', 'Vehicles', '汽车'),
  branch(2, 'passenger-cars', 'Passenger cars', '燃油乘用车', 'vehicles'),
  leaf('sedans', 'Sedans', '轿车', 'passenger-cars', {
    identifier: 'vin',
    standard: 'vehicle',
    weightGrams: 1_550_000,
    scrapCny: 3500,
  }),
  leaf('suvs', 'SUVs', 'SUV', 'passenger-cars', {
    identifier: 'vin',
    standard: 'vehicle',
    weightGrams: 1_700_000,
    scrapCny: 4000,
  }),
  leaf('mpvs', 'MPVs', 'MPV', 'passenger-cars', {
    identifier: 'vin',
    standard: 'vehicle',
    weightGrams: 2_000_000,
    scrapCny: 4500,
  }),
  branch(2, 'new-energy-vehicles', 'New-energy vehicles', '新能源汽车', 'vehicles'),
  // Connected NEVs keep the owner's app account, phone keys, contacts and trip history in the
  // head unit / telematics box; those are factory-reset and certified like any other device.
  leaf(
    'battery-electric-vehicles',
    'Battery electric vehicles',
    '纯电动车',
    'new-energy-vehicles',
    {
      identifier: 'vin',
      standard: 'vehicle',
      weightGrams: 1_900_000,
      scrapCny: 15000,
      storage: [EMMC],
    },
  ),
  leaf(
    'plug-in-hybrids',
    'Plug-in and range-extended hybrids',
    '插电混动与增程',
    'new-energy-vehicles',
    {
      identifier: 'vin',
      standard: 'vehicle',
      weightGrams: 1_800_000,
      scrapCny: 9000,
      storage: [EMMC],
    },
  ),
];

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
