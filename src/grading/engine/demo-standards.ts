// Version 1 of one grading standard per category family in the demo catalog. Plain data; the
// seed stores them as published standards. Severities follow a common policy:
//   critical   → not worth repairing, or must never be resold as is (scrap / recycling)
//   functional → sellable after refurbishment (good)
//   cosmetic   → sellable as is; more than a few of them → good (needs cosmetic work)
// Fixed deductions are CNY fen (1 CNY = 100 fen) and approximate typical repair costs.
import type {
  AnswerOutcome,
  BooleanCheck,
  ChoiceCheck,
  ChoiceOption,
  DeductionBySeverity,
  DeductionHint,
  GradeRule,
  GradingStandard,
  NumberBand,
  NumberCheck,
  PhotoCheck,
  Severity,
} from './standard.js';
import {
  BOLT_ON_PANELS_CHECK,
  FIRE_TRACES_CHECK,
  FLOOD_TRACES_CHECK,
  GBT30323_SECTIONS,
  GBT30323_STRUCTURAL_POINTS,
} from '../../vehicles/engine/condition.js';

// ---------------------------------------------------------------------------------------------
// Small builders keep the checklists readable.

const share = (value: number, note?: string): DeductionHint =>
  note ? { share: value, note } : { share: value };
const fixed = (cny: number, note?: string): DeductionHint =>
  note ? { fixedMinor: cny * 100, note } : { fixedMinor: cny * 100 };

interface CheckOpts {
  required?: boolean;
  section?: string;
  deduction?: DeductionBySeverity;
}

/** A yes/no check where "yes" is the good answer and "no" has `failSeverity`. */
function passes(
  id: string,
  label: string,
  help: string,
  failSeverity: Severity,
  failDeduction: DeductionHint | undefined,
  opts: CheckOpts = {},
): BooleanCheck {
  const whenFalse: AnswerOutcome = failDeduction
    ? { severity: failSeverity, deduction: failDeduction }
    : { severity: failSeverity };
  return {
    id,
    label,
    help,
    kind: 'boolean',
    required: opts.required ?? true,
    ...(opts.section ? { section: opts.section } : {}),
    deduction: opts.deduction ?? {},
    whenTrue: { severity: 'none' },
    whenFalse,
  };
}

/** A yes/no check where "yes" means the fault is present. */
function faultPresent(
  id: string,
  label: string,
  help: string,
  severity: Severity,
  deduction: DeductionHint | undefined,
  opts: CheckOpts = {},
): BooleanCheck {
  const check = passes(id, label, help, severity, deduction, opts);
  return { ...check, whenTrue: check.whenFalse, whenFalse: check.whenTrue };
}

type OptionSpec = [value: string, label: string, severity: Severity, deduction?: DeductionHint];

function choice(
  id: string,
  label: string,
  help: string,
  options: OptionSpec[],
  opts: CheckOpts = {},
): ChoiceCheck {
  return {
    id,
    label,
    help,
    kind: 'choice',
    required: opts.required ?? true,
    ...(opts.section ? { section: opts.section } : {}),
    deduction: opts.deduction ?? {},
    options: options.map(([value, optionLabel, severity, deduction]): ChoiceOption =>
      deduction
        ? { value, label: optionLabel, severity, deduction }
        : { value, label: optionLabel, severity },
    ),
  };
}

type BandSpec = [
  min: number | undefined,
  max: number | undefined,
  label: string,
  severity: Severity,
  deduction?: DeductionHint,
];

function number(
  id: string,
  label: string,
  help: string,
  range: { unit: string; min: number; max: number; integer?: boolean; scored?: boolean },
  bands: BandSpec[],
  opts: CheckOpts = {},
): NumberCheck {
  return {
    id,
    label,
    help,
    kind: 'number',
    required: opts.required ?? true,
    ...(opts.section ? { section: opts.section } : {}),
    deduction: opts.deduction ?? {},
    unit: range.unit,
    min: range.min,
    max: range.max,
    integer: range.integer ?? true,
    ...(range.scored ? { scored: true } : {}),
    bands: bands.map(([min, max, bandLabel, severity, deduction]): NumberBand => ({
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      label: bandLabel,
      severity,
      ...(deduction ? { deduction } : {}),
    })),
  };
}

function photos(id: string, label: string, help: string, minPhotos: number): PhotoCheck {
  return {
    id,
    label,
    help,
    kind: 'photo',
    required: true,
    section: 'Evidence',
    deduction: {},
    minPhotos,
  };
}

// Rules shared by most standards. Specific rules come first so that, on a tie, a reason is
// attributed to the more telling rule ("Account lock present" rather than "Critical fault").
const anyCritical: GradeRule = {
  id: 'any-critical',
  kind: 'any-severity',
  severity: 'critical',
  grade: 'scrap',
  label: 'Critical fault (not worth repairing)',
};
const anyFunctional: GradeRule = {
  id: 'any-functional',
  kind: 'any-severity',
  severity: 'functional',
  grade: 'good',
  label: 'Functional fault (refurbish before sale)',
};
const cosmeticLimit = (moreThan: number): GradeRule => ({
  id: 'cosmetic-limit',
  kind: 'severity-count',
  severity: 'cosmetic',
  moreThan,
  grade: 'good',
  label: `More than ${moreThan} cosmetic flaws (cosmetic refurbishment)`,
});
const batteryBelow80 = (checkId = 'battery_health'): GradeRule => ({
  id: 'battery-below-80',
  kind: 'answer',
  checkId,
  condition: { op: 'lt', value: 80 },
  grade: 'good',
  label: 'Battery below 80 % of design capacity (replace battery)',
});
const accountLock = (checkId: string): GradeRule => ({
  id: 'account-lock',
  kind: 'answer',
  checkId,
  condition: { op: 'in', values: [true] },
  grade: 'scrap',
  hold: true,
  label: 'Account / activation lock present (hold: owner must remove it, otherwise parts only)',
});

const BACK_MARKET = 'Back Market grading (Excellent / Good / Fair)';
const AMAZON_RENEWED = 'Amazon Renewed condition guidelines';
const GB_45656 = 'GB/T 45656-2025 二手电子产品可用程度分级规范';

const screenOptions = (crackedCny: number): OptionSpec[] => [
  ['flawless', 'Flawless', 'none'],
  ['micro_scratches', 'Micro-scratches invisible at 20–50 cm', 'none'],
  ['visible_scratches', 'Scratches visible at arm’s length', 'cosmetic', share(0.06)],
  [
    'deep_scratches_or_chips',
    'Deep scratches or chipped glass (replace screen)',
    'functional',
    fixed(crackedCny * 0.8, 'screen replacement'),
  ],
  [
    'cracked',
    'Cracked glass (replace screen)',
    'functional',
    fixed(crackedCny, 'screen replacement'),
  ],
];
const displayOptions = (panelCny: number): OptionSpec[] => [
  ['ok', 'Uniform image, no defects', 'none'],
  [
    'burn_in_or_tint',
    'Burn-in, tint or faint shadows',
    'functional',
    fixed(panelCny * 0.8, 'display replacement'),
  ],
  [
    'dead_pixels_or_lines',
    'Dead pixels, lines or touch dead zones',
    'functional',
    fixed(panelCny, 'display replacement'),
  ],
];
const bodyOptions: OptionSpec[] = [
  ['flawless', 'Flawless', 'none'],
  ['light_wear', 'Light wear, invisible at 50 cm', 'cosmetic', share(0.02)],
  ['dents_or_scratches', 'Visible dents or scratches', 'cosmetic', share(0.08)],
  [
    'bent_or_cracked',
    'Bent frame or cracked back (replace housing)',
    'functional',
    share(0.15, 'housing replacement'),
  ],
];
const batteryHealth = (replaceCny: number, required = true): NumberCheck =>
  number(
    'battery_health',
    'Battery health',
    'Full-charge capacity as a percentage of design capacity, read with the diagnostic tool ' +
      '(iOS Battery Health, coconutBattery, vendor diagnostics). Back Market and Amazon Renewed ' +
      'require at least 80 %. Leave empty only when the item has no battery.',
    { unit: '%', min: 0, max: 100 },
    [
      [80, undefined, 'At least 80 % of design capacity', 'none'],
      [
        0,
        80,
        'Below 80 % (replace battery)',
        'functional',
        fixed(replaceCny, 'battery replacement'),
      ],
    ],
    { required, section: 'Battery' },
  );

// ---------------------------------------------------------------------------------------------

export const PHONE_STANDARD: GradingStandard = {
  code: 'phone',
  version: 1,
  name: 'Mobile phones',
  description:
    'Smartphones, foldables and feature phones. Premium: works fully, battery at least 80 %, ' +
    'screen marks invisible at 20–50 cm, factory reset, no account lock.',
  currency: 'CNY',
  references: [BACK_MARKET, AMAZON_RENEWED, GB_45656],
  checks: [
    passes(
      'powers_on',
      'Powers on and boots',
      'Boots to the setup screen on a charged battery.',
      'critical',
      share(0.7),
      { section: 'Security' },
    ),
    faultPresent(
      'account_lock',
      'Account / activation lock present',
      'Find My / iCloud Activation Lock, Mi Account, HUAWEI ID or Google FRP still asks for the owner’s credentials after reset.',
      'critical',
      share(0.9),
      { section: 'Security' },
    ),
    faultPresent(
      'imei_blacklisted',
      'IMEI reported lost or stolen',
      'Check every IMEI against the GSMA / carrier blacklist.',
      'critical',
      share(1),
      { section: 'Security' },
    ),
    passes(
      'factory_reset',
      'Factory reset, no personal data or MDM profile',
      'Settings show a fresh setup; no device-management profile installed.',
      'functional',
      fixed(10, 'reset and re-inspect'),
      { section: 'Security' },
    ),
    choice(
      'screen_condition',
      'Screen glass',
      'Look at the screen off and on, under a daylight lamp, from 20 cm and 50 cm.',
      screenOptions(600),
      { section: 'Screen' },
    ),
    choice(
      'display_function',
      'Display function',
      'Full-screen white, black, red, green and blue test images; drag an icon across the whole screen.',
      displayOptions(900),
      { section: 'Screen' },
    ),
    choice(
      'body_condition',
      'Frame and back',
      'Edges, corners, camera ring and back glass.',
      bodyOptions,
      { section: 'Body' },
    ),
    batteryHealth(250),
    passes(
      'touch_buttons',
      'Touch, buttons and switches respond',
      'Volume, power, mute switch / action button, haptics.',
      'functional',
      share(0.08),
      { section: 'Function' },
    ),
    passes(
      'cameras',
      'Cameras and flash work',
      'Every rear and front lens focuses; no spots or dust in the image; flash and torch work.',
      'functional',
      fixed(300, 'camera module'),
      { section: 'Function' },
    ),
    passes(
      'audio_connectivity',
      'Calls, audio and radios work',
      'Test call on SIM, speakers, microphones, Wi-Fi, Bluetooth, NFC, wired charging.',
      'functional',
      share(0.12),
      { section: 'Function' },
    ),
    choice(
      'biometrics',
      'Face / fingerprint unlock',
      'Enrol and unlock once.',
      [
        ['ok', 'Works', 'none'],
        ['failed', 'Fails (often not repairable)', 'functional', share(0.25)],
        ['not_present', 'Device has none', 'none'],
      ],
      { section: 'Function' },
    ),
    faultPresent(
      'liquid_damage',
      'Liquid damage',
      'Liquid contact indicator triggered, or corrosion visible in the SIM slot or port.',
      'critical',
      share(0.6),
      { section: 'Function' },
    ),
    choice(
      'repair_history',
      'Repair history',
      'Parts and service history in settings (“unknown part” messages) and under the cover.',
      [
        ['original', 'All original parts', 'none'],
        ['non_genuine_parts', 'Non-genuine screen or battery', 'cosmetic', share(0.08)],
        ['board_repaired', 'Main board repaired', 'functional', share(0.3)],
      ],
      { section: 'Body' },
    ),
    photos('photos', 'Photos', 'Front (screen on white), back, both sides; more for any fault.', 4),
  ],
  rules: [
    accountLock('account_lock'),
    {
      id: 'imei-blacklisted',
      kind: 'answer',
      checkId: 'imei_blacklisted',
      condition: { op: 'in', values: [true] },
      grade: 'scrap',
      hold: true,
      label: 'IMEI blacklisted (hold for compliance review)',
    },
    batteryBelow80(),
    anyCritical,
    anyFunctional,
    cosmeticLimit(2),
  ],
};

export const TABLET_STANDARD: GradingStandard = {
  code: 'tablet',
  version: 1,
  name: 'Tablets and e-readers',
  description:
    'Tablets and e-readers. Same bar as phones: full function, battery ≥ 80 %, no account lock.',
  currency: 'CNY',
  references: [BACK_MARKET, AMAZON_RENEWED, GB_45656],
  checks: [
    passes(
      'powers_on',
      'Powers on and boots',
      'Boots to the setup screen.',
      'critical',
      share(0.7),
      { section: 'Security' },
    ),
    faultPresent(
      'account_lock',
      'Account / activation lock present',
      'Activation Lock, HUAWEI ID, Mi Account, Amazon account registration or Google FRP still active.',
      'critical',
      share(0.9),
      { section: 'Security' },
    ),
    passes(
      'factory_reset',
      'Factory reset, no personal data or MDM profile',
      'Fresh setup screen; no supervision or MDM profile (common on ex-school and ex-company tablets).',
      'functional',
      fixed(10, 'reset and re-inspect'),
      { section: 'Security' },
    ),
    choice(
      'screen_condition',
      'Screen glass',
      'Screen off and on under a daylight lamp, from 20 cm and 50 cm.',
      screenOptions(900),
      { section: 'Screen' },
    ),
    choice(
      'display_function',
      'Display function',
      'Full-screen test colours; e-ink: full refresh, no ghosting stripes.',
      displayOptions(1300),
      { section: 'Screen' },
    ),
    choice(
      'body_condition',
      'Frame and back',
      'Edges, corners and back; check for bending by laying it on a flat surface.',
      bodyOptions,
      { section: 'Body' },
    ),
    batteryHealth(350),
    passes(
      'touch_buttons',
      'Touch, pen and buttons respond',
      'Whole surface touch test, stylus input if supported, buttons.',
      'functional',
      share(0.1),
      { section: 'Function' },
    ),
    passes(
      'cameras_audio',
      'Cameras and audio work',
      'Cameras focus, speakers and microphones work. Leave empty for e-readers without them.',
      'functional',
      share(0.08),
      { required: false, section: 'Function' },
    ),
    passes(
      'connectivity',
      'Wi-Fi, Bluetooth, cellular and charging',
      'Joins Wi-Fi, pairs Bluetooth, cellular data if fitted, charges on cable.',
      'functional',
      share(0.1),
      { section: 'Function' },
    ),
    faultPresent(
      'liquid_damage',
      'Liquid damage',
      'Corrosion in ports, moisture under the glass.',
      'critical',
      share(0.6),
      { section: 'Function' },
    ),
    choice(
      'accessories',
      'Charger and cable',
      'Original charger and cable included.',
      [
        ['complete', 'Charger and cable', 'none'],
        ['cable_only', 'Cable only', 'cosmetic', fixed(60)],
        ['none', 'Nothing', 'cosmetic', fixed(100)],
      ],
      { section: 'Body' },
    ),
    photos('photos', 'Photos', 'Front (screen on white), back, edges; more for any fault.', 4),
  ],
  rules: [
    accountLock('account_lock'),
    batteryBelow80(),
    anyCritical,
    anyFunctional,
    cosmeticLimit(2),
  ],
};

export const LAPTOP_STANDARD: GradingStandard = {
  code: 'laptop',
  version: 1,
  name: 'Laptops and computers',
  description:
    'Laptops, desktops and all-in-ones. Premium: passes a stress test, healthy storage, battery ' +
    '≥ 80 % (laptops), no firmware / activation lock or MDM enrolment.',
  currency: 'CNY',
  references: [BACK_MARKET, AMAZON_RENEWED, GB_45656],
  checks: [
    passes(
      'powers_on',
      'Powers on and POSTs',
      'Reaches firmware setup or the OS installer.',
      'critical',
      share(0.7),
      { section: 'Security' },
    ),
    faultPresent(
      'firmware_lock',
      'Firmware password, activation lock or MDM enrolment',
      'BIOS/UEFI supervisor password, Apple Activation Lock (T2 / Apple silicon), Computrace or remote-management enrolment.',
      'critical',
      share(0.9),
      { section: 'Security' },
    ),
    choice(
      'storage_health',
      'Storage health',
      'SMART / NVMe health log after the erasure run: reallocated sectors, media errors, percentage used.',
      [
        ['healthy', 'Healthy', 'none'],
        [
          'worn',
          'Warnings or over 90 % wear (replace drive)',
          'functional',
          fixed(300, 'drive replacement'),
        ],
        [
          'failed_or_missing',
          'Failed or missing drive',
          'functional',
          fixed(400, 'drive replacement'),
        ],
      ],
      { section: 'Function' },
    ),
    choice(
      'screen_condition',
      'Screen surface',
      'Screen off and on, from 20 cm and 50 cm; look for keyboard imprints and coating wear.',
      [
        ['flawless', 'Flawless', 'none'],
        ['micro_marks', 'Marks invisible at 20–50 cm', 'none'],
        [
          'visible_marks',
          'Visible scratches, keyboard imprint or coating wear',
          'cosmetic',
          share(0.06),
        ],
        [
          'cracked_or_delaminated',
          'Cracked or delaminated (replace panel)',
          'functional',
          share(0.25, 'panel replacement'),
        ],
      ],
      { section: 'Screen' },
    ),
    choice(
      'display_function',
      'Display function',
      'Full-screen test colours and a backlight check on black.',
      [
        ['ok', 'Uniform image', 'none'],
        ['light_bleed', 'Mild backlight bleed', 'cosmetic', share(0.03)],
        [
          'dead_pixels_or_lines',
          'Dead pixels, lines or flicker',
          'functional',
          share(0.25, 'panel replacement'),
        ],
      ],
      { section: 'Screen' },
    ),
    passes(
      'keyboard_trackpad',
      'Keyboard and trackpad work',
      'Every key registers (key tester); trackpad click, multi-touch, and backlight.',
      'functional',
      fixed(400, 'top case / keyboard'),
      { section: 'Function' },
    ),
    batteryHealth(600, false),
    passes(
      'ports_connectivity',
      'Ports, webcam and radios work',
      'Every USB / Thunderbolt port, charging, audio jack, webcam, Wi-Fi, Bluetooth.',
      'functional',
      share(0.1),
      { section: 'Function' },
    ),
    passes(
      'stress_test',
      'Passes a 15-minute stress test',
      'CPU + GPU load for 15 minutes: no crash, no thermal shutdown, no grinding fan.',
      'functional',
      share(0.15),
      { section: 'Function' },
    ),
    choice(
      'body_hinge',
      'Chassis and hinge',
      'Lid, palm rest, base, corners; hinge holds the screen at any angle.',
      [
        ['flawless', 'Flawless', 'none'],
        ['light_wear', 'Light wear, invisible at 50 cm', 'cosmetic', share(0.02)],
        ['dents_or_cracks', 'Dents, deep scratches or cracked plastic', 'cosmetic', share(0.08)],
        [
          'loose_or_broken_hinge',
          'Loose or broken hinge',
          'functional',
          fixed(500, 'hinge repair'),
        ],
      ],
      { section: 'Body' },
    ),
    faultPresent(
      'liquid_damage',
      'Liquid damage',
      'Sticky keys with residue, corrosion on the board or indicators.',
      'critical',
      share(0.6),
      { section: 'Function' },
    ),
    choice(
      'charger',
      'Charger',
      'Original or certified power adapter included.',
      [
        ['original', 'Original charger', 'none'],
        ['third_party', 'Third-party charger', 'cosmetic', fixed(80)],
        ['missing', 'No charger', 'cosmetic', fixed(150)],
      ],
      { section: 'Body' },
    ),
    photos('photos', 'Photos', 'Lid, screen on white, keyboard, base with the serial label.', 4),
  ],
  rules: [
    {
      id: 'firmware-lock',
      kind: 'answer',
      checkId: 'firmware_lock',
      condition: { op: 'in', values: [true] },
      grade: 'scrap',
      hold: true,
      label:
        'Firmware / activation lock or MDM (hold: owner must release it, otherwise parts only)',
    },
    batteryBelow80(),
    anyCritical,
    anyFunctional,
    cosmeticLimit(2),
  ],
};

export const CAMERA_STANDARD: GradingStandard = {
  code: 'camera',
  version: 1,
  name: 'Cameras, lenses and drones',
  description:
    'Interchangeable-lens and compact cameras, lenses, action cameras and camera drones. ' +
    'Premium: clean optics, shutter well inside its rated life, every function works.',
  currency: 'CNY',
  references: [GB_45656, 'Camera dealer grading (MPB / KEH style condition scales)'],
  checks: [
    passes(
      'powers_on',
      'Powers on (lens: works on a test body)',
      'Charged battery; a lens must focus and stop down on a test body.',
      'critical',
      share(0.7),
      { section: 'Function' },
    ),
    choice(
      'sensor_optics',
      'Sensor and glass',
      'Inspect the sensor and every lens element with a torch: dust, spots, scratches, fungus, haze, separation.',
      [
        ['clean', 'Clean', 'none'],
        ['dust', 'Dust (cleanable)', 'cosmetic', fixed(100, 'sensor / lens cleaning')],
        ['spots_or_scratches', 'Spots or scratches affecting images', 'functional', share(0.2)],
        [
          'fungus_or_haze',
          'Fungus, haze or element separation',
          'functional',
          share(0.4, 'optical service'),
        ],
      ],
      { section: 'Optics' },
    ),
    passes(
      'autofocus_stabilisation',
      'Autofocus and stabilisation work',
      'AF in single and continuous mode; IBIS / OIS / gimbal holds steady.',
      'functional',
      share(0.2),
      { section: 'Function' },
    ),
    number(
      'shutter_count',
      'Shutter actuations',
      'From the EXIF of a fresh test shot. Leave empty for lenses, action cameras and drones.',
      { unit: 'actuations', min: 0, max: 2_000_000 },
      [
        [0, 100_000, 'Well inside rated life', 'none'],
        [100_000, 200_000, 'Approaching rated life', 'cosmetic', share(0.1)],
        [
          200_000,
          undefined,
          'Beyond rated life (replace shutter)',
          'functional',
          fixed(1500, 'shutter replacement'),
        ],
      ],
      { required: false, section: 'Function' },
    ),
    choice(
      'screen_viewfinder',
      'Screen and viewfinder',
      'Rear screen, touch, EVF / OVF.',
      [
        ['ok', 'Clean and working', 'none'],
        ['scratched', 'Scratched screen protector or glass', 'cosmetic', fixed(150)],
        [
          'faulty',
          'Dead pixels, touch or EVF fault',
          'functional',
          fixed(800, 'screen / EVF replacement'),
        ],
        ['not_present', 'None fitted (lens, drone)', 'none'],
      ],
      { section: 'Function' },
    ),
    passes(
      'controls',
      'Buttons, dials and card slot work',
      'Every button and dial, card door and slot, battery door.',
      'functional',
      share(0.1),
      { section: 'Function' },
    ),
    choice(
      'body_condition',
      'Body',
      'Paint wear, rubber grips, dents.',
      [
        ['flawless', 'Flawless', 'none'],
        ['light_wear', 'Light wear', 'cosmetic', share(0.03)],
        ['heavy_wear', 'Heavy brassing, loose rubber or dents', 'cosmetic', share(0.1)],
        ['cracked', 'Cracked body', 'functional', share(0.2)],
      ],
      { section: 'Body' },
    ),
    choice(
      'mount_contacts',
      'Mount and contacts',
      'Lens mount, electrical contacts, battery contacts, filter thread.',
      [
        ['ok', 'Clean and true', 'none'],
        ['worn', 'Worn but working', 'cosmetic', share(0.02)],
        ['damaged', 'Bent or damaged', 'functional', fixed(600, 'mount replacement')],
      ],
      { section: 'Body' },
    ),
    faultPresent(
      'liquid_or_impact',
      'Liquid ingress or heavy drop',
      'Corrosion, water marks inside, bent mount or rattling parts.',
      'critical',
      share(0.6),
      { section: 'Body' },
    ),
    passes(
      'original_battery',
      'Original battery included',
      'Original battery that holds a charge (camera / drone).',
      'cosmetic',
      fixed(300, 'battery'),
      { required: false, section: 'Body' },
    ),
    photos(
      'test_images',
      'Test images',
      'One shot at f/16 against a white wall (sensor spots) and one at full aperture.',
      2,
    ),
    photos('photos', 'Photos', 'Front, back, top, mount / front element, serial number.', 4),
  ],
  rules: [
    {
      id: 'shutter-beyond-life',
      kind: 'answer',
      checkId: 'shutter_count',
      condition: { op: 'gte', value: 200_000 },
      grade: 'good',
      label: 'Shutter beyond rated life (replace shutter)',
    },
    anyCritical,
    anyFunctional,
    cosmeticLimit(2),
  ],
};

export const CONSOLE_STANDARD: GradingStandard = {
  code: 'console',
  version: 1,
  name: 'Game consoles and VR headsets',
  description:
    'Home and handheld consoles and VR headsets. Premium: full function, no drift, no ban, accounts removed.',
  currency: 'CNY',
  references: [BACK_MARKET, GB_45656],
  checks: [
    passes(
      'powers_on',
      'Powers on and boots',
      'Boots to the system menu.',
      'critical',
      share(0.7),
      { section: 'Security' },
    ),
    faultPresent(
      'account_locked',
      'Owner account still bound',
      'A Meta / PlayStation / Xbox / Nintendo / Steam account that a reset does not remove.',
      'critical',
      share(0.9),
      { section: 'Security' },
    ),
    passes(
      'factory_reset',
      'Factory reset done',
      'System initialised; no user profiles or saved Wi-Fi.',
      'functional',
      fixed(5, 'reset'),
      { section: 'Security' },
    ),
    faultPresent(
      'online_ban',
      'Banned from online services',
      'Console ID banned (error on connecting to the online service).',
      'functional',
      share(0.4),
      { section: 'Security' },
    ),
    passes(
      'video_output',
      'Video output',
      'HDMI / built-in screen at native resolution, no artefacts.',
      'functional',
      fixed(400, 'HDMI port / GPU repair'),
      { section: 'Function' },
    ),
    choice(
      'disc_drive',
      'Disc drive',
      'Load, play and eject a disc.',
      [
        ['ok', 'Works', 'none'],
        ['faulty', 'Does not read or eject', 'functional', fixed(300, 'drive replacement')],
        ['not_present', 'Digital edition / handheld', 'none'],
      ],
      { section: 'Function' },
    ),
    choice(
      'controllers',
      'Controllers',
      'Stick drift test, every button, triggers, vibration; Joy-Con rails.',
      [
        ['ok', 'All included and working', 'none'],
        [
          'drift_or_faulty',
          'Stick drift or faulty buttons',
          'functional',
          fixed(150, 'stick module'),
        ],
        ['missing', 'Missing', 'cosmetic', fixed(400)],
      ],
      { section: 'Function' },
    ),
    choice(
      'storage_health',
      'Storage',
      'System storage check / SMART.',
      [
        ['healthy', 'Healthy', 'none'],
        ['errors', 'Errors or corrupted system', 'functional', fixed(300)],
      ],
      { section: 'Function' },
    ),
    choice(
      'cooling',
      'Cooling and noise',
      '20 minutes of a demanding game.',
      [
        ['normal', 'Normal', 'none'],
        ['loud', 'Loud fan', 'cosmetic', fixed(100, 'cleaning')],
        ['overheats', 'Overheats or shuts down', 'functional', fixed(300, 'thermal service')],
      ],
      { section: 'Function' },
    ),
    choice(
      'screen_lenses',
      'Built-in screen / VR lenses',
      'Handhelds and headsets only.',
      [
        ['not_present', 'No built-in screen', 'none'],
        ['flawless', 'Flawless', 'none'],
        ['scratched', 'Visible scratches', 'cosmetic', share(0.08)],
        ['cracked_or_dead_pixels', 'Cracked, dead pixels or lens damage', 'functional', share(0.3)],
      ],
      { section: 'Body' },
    ),
    choice(
      'body_condition',
      'Shell',
      'Shell, vents, ports.',
      [
        ['flawless', 'Flawless', 'none'],
        ['light_wear', 'Light wear', 'cosmetic', share(0.03)],
        ['cracked_or_yellowed', 'Cracked or yellowed shell', 'cosmetic', share(0.1)],
      ],
      { section: 'Body' },
    ),
    photos('photos', 'Photos', 'Front, back, ports, serial label, controllers.', 3),
  ],
  rules: [
    accountLock('account_locked'),
    {
      id: 'online-ban',
      kind: 'answer',
      checkId: 'online_ban',
      condition: { op: 'in', values: [true] },
      grade: 'good',
      label: 'Banned from online services (sell as offline-only, disclosed)',
    },
    anyCritical,
    anyFunctional,
    cosmeticLimit(2),
  ],
};

export const WEARABLE_STANDARD: GradingStandard = {
  code: 'wearable',
  version: 1,
  name: 'Wearables',
  description:
    'Smartwatches, fitness bands and wireless earbuds. Premium: full function, battery ≥ 80 %, unpaired, hygienic.',
  currency: 'CNY',
  references: [BACK_MARKET, AMAZON_RENEWED, GB_45656],
  checks: [
    passes(
      'powers_on',
      'Powers on',
      'Boots / lights up on charge; earbuds connect.',
      'critical',
      share(0.7),
      { section: 'Security' },
    ),
    faultPresent(
      'account_lock',
      'Account / activation lock present',
      'Apple Watch Activation Lock, AirPods Find My, HUAWEI / Xiaomi account binding.',
      'critical',
      share(0.9),
      { section: 'Security' },
    ),
    passes(
      'unpaired_reset',
      'Unpaired and reset',
      'Removed from the owner’s phone and reset to factory settings.',
      'functional',
      fixed(5, 'reset'),
      { section: 'Security' },
    ),
    choice(
      'screen_condition',
      'Screen',
      'Watches and bands only.',
      [
        ['not_present', 'No screen (earbuds)', 'none'],
        ['flawless', 'Flawless or invisible at 20–50 cm', 'none'],
        ['visible_scratches', 'Visible scratches', 'cosmetic', share(0.08)],
        ['cracked', 'Cracked', 'functional', share(0.35, 'screen replacement')],
      ],
      { section: 'Body' },
    ),
    choice(
      'case_condition',
      'Case',
      'Case, crown, charging case.',
      [
        ['flawless', 'Flawless', 'none'],
        ['light_wear', 'Light wear', 'cosmetic', share(0.03)],
        ['dents_or_deep_scratches', 'Dents or deep scratches', 'cosmetic', share(0.1)],
        ['cracked', 'Cracked case', 'functional', share(0.3)],
      ],
      { section: 'Body' },
    ),
    batteryHealth(200, false),
    passes(
      'sensors',
      'Health sensors and GPS',
      'Heart rate, SpO2 and GPS give plausible readings. Leave empty for earbuds.',
      'functional',
      share(0.2),
      { required: false, section: 'Function' },
    ),
    passes(
      'audio',
      'Audio',
      'Both earbuds play, microphones and noise cancelling work. Leave empty for watches.',
      'functional',
      share(0.3),
      { required: false, section: 'Function' },
    ),
    passes(
      'charging',
      'Charges normally',
      'On its original charger or case.',
      'functional',
      fixed(100),
      { section: 'Function' },
    ),
    choice(
      'hygiene',
      'Hygiene',
      'Skin-contact surfaces, ear tips, mesh grilles, sensor window.',
      [
        ['clean', 'Clean', 'none'],
        ['needs_cleaning', 'Needs deep cleaning', 'cosmetic', fixed(20, 'cleaning')],
        ['corrosion', 'Corroded contacts or degraded mesh', 'functional', fixed(80)],
      ],
      { section: 'Body' },
    ),
    choice(
      'strap',
      'Band / strap',
      'Watches and bands only.',
      [
        ['not_present', 'Not applicable', 'none'],
        ['ok', 'Original, good condition', 'none'],
        ['worn', 'Worn', 'cosmetic', fixed(50)],
        ['missing', 'Missing', 'cosmetic', fixed(100)],
      ],
      { section: 'Body' },
    ),
    photos('photos', 'Photos', 'Front (screen on), back with sensor, case / charger.', 3),
  ],
  rules: [
    accountLock('account_lock'),
    batteryBelow80(),
    anyCritical,
    anyFunctional,
    cosmeticLimit(2),
  ],
};

export const APPLIANCE_STANDARD: GradingStandard = {
  code: 'appliance',
  version: 1,
  name: 'Household appliances',
  description:
    'Large and small household appliances. Beyond the safe service life of GB/T 21097 ' +
    '(about 10 years for refrigerators, washing machines and air conditioners) an appliance is ' +
    'recycled, not resold.',
  currency: 'CNY',
  references: [GB_45656, 'GB/T 21097.1-2007 家用和类似用途电器的安全使用年限'],
  checks: [
    passes(
      'powers_on',
      'Powers on',
      'Plugged into a protected test socket.',
      'critical',
      share(0.8),
      { section: 'Safety' },
    ),
    choice(
      'electrical_safety',
      'Electrical safety',
      'Earth continuity and insulation resistance test; power cord and plug.',
      [
        ['pass', 'Passes', 'none'],
        ['cord_damaged', 'Damaged cord or plug', 'functional', fixed(50, 'cord replacement')],
        ['insulation_fail', 'Fails insulation / earth test', 'critical', share(0.9)],
      ],
      { section: 'Safety' },
    ),
    number(
      'age_years',
      'Age',
      'From the rating nameplate’s production date.',
      { unit: 'years', min: 0, max: 60 },
      [
        [0, 5, 'Under 5 years', 'none'],
        [5, 10, '5 to 10 years', 'cosmetic', share(0.15)],
        [10, undefined, 'Beyond safe service life', 'critical', share(0.9)],
      ],
      { section: 'Safety' },
    ),
    choice(
      'core_function',
      'Core function',
      'Cools to set temperature / completes a wash cycle / heats and cools / suction and mopping / brews.',
      [
        ['full', 'Full performance', 'none'],
        ['reduced', 'Reduced performance', 'functional', share(0.25)],
        ['fails', 'Does not work (compressor, motor, pump)', 'critical', share(0.8)],
      ],
      { section: 'Function' },
    ),
    choice(
      'leaks',
      'Leaks',
      'Water, refrigerant (oil traces at joints) or coffee / steam leaks.',
      [
        ['none', 'None', 'none'],
        ['water', 'Water leak', 'functional', fixed(150, 'seal / hose')],
        ['refrigerant', 'Refrigerant leak', 'critical', share(0.8)],
      ],
      { section: 'Function' },
    ),
    choice(
      'noise_vibration',
      'Noise and vibration',
      'Full cycle; compare with the rated noise level.',
      [
        ['normal', 'Normal', 'none'],
        ['noticeable', 'Noticeable', 'cosmetic', share(0.05)],
        ['abnormal', 'Grinding, knocking or heavy vibration', 'functional', share(0.2)],
      ],
      { section: 'Function' },
    ),
    passes(
      'controls_display',
      'Controls and display work',
      'Every button, knob, display segment and remote.',
      'functional',
      fixed(150),
      { section: 'Function' },
    ),
    choice(
      'smart_reset',
      'Smart features reset',
      'App binding, Wi-Fi credentials and maps (robot vacuums) cleared.',
      [
        ['not_present', 'No smart features', 'none'],
        ['reset', 'Unbound and reset', 'none'],
        [
          'still_bound',
          'Still bound to the owner’s app account',
          'functional',
          fixed(10, 'unbind'),
        ],
      ],
      { section: 'Function' },
    ),
    choice(
      'exterior',
      'Exterior',
      'Panels, doors, handles.',
      [
        ['flawless', 'Flawless', 'none'],
        ['light_wear', 'Light wear', 'cosmetic', share(0.03)],
        ['dents_or_rust', 'Dents, scratches or rust spots', 'cosmetic', share(0.1)],
        ['broken_panels', 'Broken panels, doors or handles', 'functional', share(0.2)],
      ],
      { section: 'Body' },
    ),
    choice(
      'interior_hygiene',
      'Interior hygiene',
      'Door seals, drum, drawers, filters, water tank.',
      [
        ['clean', 'Clean', 'none'],
        ['needs_cleaning', 'Needs cleaning', 'cosmetic', fixed(50, 'cleaning')],
        [
          'mould_or_odour',
          'Mould or persistent odour',
          'functional',
          fixed(200, 'deep clean / seals'),
        ],
      ],
      { section: 'Body' },
    ),
    choice(
      'accessories',
      'Accessories',
      'Shelves, drawers, hoses, remote, brushes, dock.',
      [
        ['complete', 'Complete', 'none'],
        ['missing_parts', 'Some parts missing', 'cosmetic', fixed(80)],
      ],
      { section: 'Body' },
    ),
    photos('photos', 'Photos', 'Front, inside, rating nameplate (model and production date).', 3),
  ],
  rules: [
    {
      id: 'beyond-service-life',
      kind: 'answer',
      checkId: 'age_years',
      condition: { op: 'gte', value: 10 },
      grade: 'scrap',
      label: 'Beyond safe service life (GB/T 21097): recycle',
    },
    anyCritical,
    anyFunctional,
    cosmeticLimit(2),
  ],
};

export const PIANO_STANDARD: GradingStandard = {
  code: 'piano',
  version: 1,
  name: 'Pianos',
  description:
    'Upright, grand and digital pianos. Premium: holds tune near A440, regulated action, sound ' +
    'soundboard and pinblock. A pinblock that no longer holds tune is not worth rebuilding.',
  currency: 'CNY',
  references: ['Piano technicians’ used-piano appraisal practice (PTG)', GB_45656],
  checks: [
    choice(
      'pinblock',
      'Pinblock / tuning stability',
      'Tuning-pin torque across the compass; does it hold a tune?',
      [
        ['not_present', 'Digital piano', 'none'],
        ['tight', 'Pins tight, holds tune', 'none'],
        ['some_loose', 'Some loose pins', 'functional', share(0.2)],
        ['fails', 'Does not hold tune', 'critical', share(0.85)],
      ],
      { section: 'Structure' },
    ),
    choice(
      'soundboard',
      'Soundboard and bridges',
      'Cracks, lost crown, loose ribs, bridge cracks (buzzing).',
      [
        ['not_present', 'Digital piano', 'none'],
        ['sound', 'Sound', 'none'],
        ['minor_cracks', 'Hairline cracks, no buzz', 'cosmetic', share(0.05)],
        ['buzz_or_bridge_crack', 'Buzzing, loose ribs or bridge cracks', 'functional', share(0.25)],
      ],
      { section: 'Structure' },
    ),
    number(
      'pitch_cents',
      'Pitch deviation from A440',
      'Measure A4 with a tuner. Leave empty for digital pianos.',
      { unit: 'cents', min: -300, max: 300 },
      [
        [
          undefined,
          -50,
          'Far below pitch (pitch raise)',
          'functional',
          fixed(800, 'pitch raise, two tunings'),
        ],
        [-50, -10, 'Slightly flat (tuning)', 'cosmetic', fixed(400, 'tuning')],
        [-10, 10, 'At pitch', 'none'],
        [10, 50, 'Slightly sharp (tuning)', 'cosmetic', fixed(400, 'tuning')],
        [50, undefined, 'Far above pitch', 'functional', fixed(800, 'pitch lowering, two tunings')],
      ],
      { required: false, section: 'Sound' },
    ),
    number(
      'faulty_keys',
      'Sticking or silent keys',
      'Play every key soft and loud.',
      { unit: 'keys', min: 0, max: 88 },
      [
        [0, 1, 'None', 'none'],
        [1, 5, '1–4 keys (regulation)', 'cosmetic', fixed(200, 'regulation')],
        [5, undefined, '5 or more keys', 'functional', share(0.15)],
      ],
      { section: 'Action' },
    ),
    choice(
      'action',
      'Action and hammers',
      'Hammer felt grooves, repetition, dampers; digital: key action noise.',
      [
        ['good', 'Good', 'none'],
        ['worn_felts', 'Worn hammer felts', 'cosmetic', share(0.05)],
        ['needs_regulation', 'Needs full regulation', 'functional', fixed(1500, 'regulation')],
        ['broken_parts', 'Broken parts', 'functional', share(0.2)],
      ],
      { section: 'Action' },
    ),
    choice(
      'key_tops',
      'Key tops',
      'Chips, yellowing, missing key tops.',
      [
        ['intact', 'Intact', 'none'],
        ['chipped_or_yellowed', 'Chipped or yellowed', 'cosmetic', share(0.03)],
        ['missing', 'Missing key tops', 'functional', fixed(500)],
      ],
      { section: 'Action' },
    ),
    choice(
      'strings',
      'Strings',
      'Rust on strings and tuning pins, broken strings.',
      [
        ['not_present', 'Digital piano', 'none'],
        ['clean', 'Clean', 'none'],
        ['light_rust', 'Light rust', 'cosmetic', share(0.05)],
        [
          'heavy_rust_or_broken',
          'Heavy rust or broken strings',
          'functional',
          share(0.2, 'restringing'),
        ],
      ],
      { section: 'Sound' },
    ),
    passes(
      'pedals',
      'Pedals work',
      'Every pedal works, no squeak or knock.',
      'functional',
      fixed(300),
      { section: 'Action' },
    ),
    choice(
      'electronics',
      'Electronics',
      'Digital pianos and silent systems: every voice, speakers, headphone jack, MIDI / USB.',
      [
        ['not_present', 'Acoustic piano', 'none'],
        ['ok', 'All working', 'none'],
        ['faulty', 'Faulty', 'functional', share(0.3)],
      ],
      { section: 'Sound' },
    ),
    choice(
      'cabinet',
      'Cabinet finish',
      'Polyester finish, veneer, legs, fallboard.',
      [
        ['flawless', 'Flawless', 'none'],
        ['light_wear', 'Light wear', 'cosmetic', share(0.03)],
        ['scratches_or_chips', 'Visible scratches or chips', 'cosmetic', share(0.08)],
        [
          'cracked_or_water_marks',
          'Cracked veneer or water marks',
          'functional',
          share(0.15, 'refinishing'),
        ],
      ],
      { section: 'Cabinet' },
    ),
    choice(
      'pests_moisture',
      'Pests and moisture',
      'Moth-eaten felts, mould, rot, termite damage.',
      [
        ['none', 'None', 'none'],
        ['moth_or_mould', 'Moth or mould damage', 'functional', share(0.3)],
        ['rot_or_termites', 'Rot or termite damage', 'critical', share(0.9)],
      ],
      { section: 'Cabinet' },
    ),
    number(
      'manufacture_year',
      'Year of manufacture',
      'From the serial number.',
      { unit: 'year', min: 1850, max: 2100 },
      [[undefined, undefined, 'Recorded for valuation', 'none']],
      { required: false, section: 'Cabinet' },
    ),
    photos(
      'photos',
      'Photos',
      'Cabinet front, open action, soundboard / strings, serial number plate.',
      4,
    ),
  ],
  rules: [
    {
      id: 'pinblock-failure',
      kind: 'answer',
      checkId: 'pinblock',
      condition: { op: 'in', values: ['fails'] },
      grade: 'scrap',
      label: 'Pinblock does not hold tune (rebuild not economical)',
    },
    anyCritical,
    anyFunctional,
    cosmeticLimit(3),
  ],
};

const authenticity = (what: string): ChoiceCheck =>
  choice(
    'authenticity',
    'Authenticity',
    `Authenticated by a certified ${what} authenticator (materials, stamps, stitching, serial).`,
    [
      ['verified', 'Verified authentic', 'none'],
      ['inconclusive', 'Inconclusive (send to expert)', 'functional'],
      ['counterfeit', 'Counterfeit', 'critical', share(1)],
    ],
    { section: 'Authenticity' },
  );
const counterfeitRule: GradeRule = {
  id: 'counterfeit',
  kind: 'answer',
  checkId: 'authenticity',
  condition: { op: 'in', values: ['counterfeit'] },
  grade: 'scrap',
  hold: true,
  label: 'Counterfeit (never resold; hold for the owner and compliance)',
};
const inconclusiveRule: GradeRule = {
  id: 'authenticity-inconclusive',
  kind: 'answer',
  checkId: 'authenticity',
  condition: { op: 'in', values: ['inconclusive'] },
  grade: 'good',
  hold: true,
  label: 'Authenticity inconclusive (hold for expert authentication)',
};

export const BAG_STANDARD: GradingStandard = {
  code: 'bag',
  version: 1,
  name: 'Luxury bags and leather goods',
  description:
    'Handbags, totes, crossbody bags and small leather goods. Authentication comes first.',
  currency: 'CNY',
  references: ['Luxury resale condition scales (N / S / A / AB / B)'],
  checks: [
    authenticity('luxury goods'),
    choice(
      'serial_date_code',
      'Date code / serial / chip',
      'Heat stamp, date code or RFID chip matches the model and era.',
      [
        ['present_matching', 'Present and matching', 'none'],
        ['missing_or_unreadable', 'Missing or unreadable', 'cosmetic', share(0.05)],
        ['mismatched', 'Does not match the model', 'critical', share(1)],
      ],
      { section: 'Authenticity' },
    ),
    choice(
      'corners',
      'Corners and edges',
      'Base corners and edge paint.',
      [
        ['pristine', 'Pristine', 'none'],
        ['light_wear', 'Light rubbing', 'cosmetic', share(0.04)],
        [
          'worn_through',
          'Worn through (re-dye)',
          'functional',
          fixed(800, 'edge / corner restoration'),
        ],
      ],
      { section: 'Exterior' },
    ),
    choice(
      'handles_straps',
      'Handles and straps',
      'Vachetta patina, cracks, fraying.',
      [
        ['pristine', 'Pristine', 'none'],
        ['light_patina', 'Even light patina', 'cosmetic', share(0.03)],
        [
          'darkened_or_cracked',
          'Dark patina, water spots or cracks',
          'functional',
          fixed(600, 'handle replacement'),
        ],
        ['broken', 'Broken', 'functional', fixed(1200, 'handle replacement')],
      ],
      { section: 'Exterior' },
    ),
    choice(
      'hardware',
      'Hardware',
      'Zips, clasps, feet, plating.',
      [
        ['pristine', 'Pristine', 'none'],
        ['light_scratches', 'Light scratches', 'cosmetic', share(0.02)],
        ['tarnished_or_peeling', 'Tarnished or peeling plating', 'cosmetic', share(0.06)],
        ['broken', 'Broken zip or clasp', 'functional', fixed(500)],
      ],
      { section: 'Exterior' },
    ),
    choice(
      'interior',
      'Lining and interior',
      'Stains, pen marks, tears, sticky pockets.',
      [
        ['clean', 'Clean', 'none'],
        ['light_marks', 'Light marks', 'cosmetic', share(0.03)],
        [
          'stains_or_tears',
          'Stains, tears or sticky lining',
          'functional',
          fixed(500, 'interior cleaning / relining'),
        ],
      ],
      { section: 'Interior' },
    ),
    choice(
      'shape',
      'Shape and structure',
      'Stands on its own; sagging, creases.',
      [
        ['holds_shape', 'Holds its shape', 'none'],
        ['slight_slouch', 'Slight slouch', 'cosmetic', share(0.03)],
        ['deformed', 'Deformed or deep creases', 'functional', share(0.15)],
      ],
      { section: 'Exterior' },
    ),
    passes(
      'stitching',
      'Stitching intact',
      'No loose, broken or re-done stitches.',
      'functional',
      fixed(300, 'stitching repair'),
      { section: 'Exterior' },
    ),
    choice(
      'odour',
      'Odour',
      'Smoke, perfume, mould.',
      [
        ['none', 'None', 'none'],
        ['slight', 'Slight odour', 'cosmetic', fixed(100, 'deodorising')],
        ['smoke_or_mould', 'Smoke or mould', 'functional', share(0.2)],
      ],
      { section: 'Interior' },
    ),
    choice(
      'accessories',
      'Accessories',
      'Dust bag, box, receipt, authenticity card, strap, lock and keys.',
      [
        ['full_set', 'Full set', 'none'],
        ['partial', 'Partial', 'cosmetic', share(0.03)],
        ['none', 'None', 'cosmetic', share(0.06)],
      ],
      { section: 'Accessories' },
    ),
    photos(
      'photos',
      'Photos',
      'All sides, base corners, interior, hardware, heat stamp / date code.',
      6,
    ),
  ],
  rules: [counterfeitRule, inconclusiveRule, anyCritical, anyFunctional, cosmeticLimit(2)],
};

export const WATCH_STANDARD: GradingStandard = {
  code: 'watch',
  version: 1,
  name: 'Luxury watches',
  description:
    'Mechanical and quartz watches. Premium: authentic, serial matches papers, runs within ' +
    'chronometer tolerance (−4 / +6 s per day), passes the water-resistance test.',
  currency: 'CNY',
  references: [
    'ISO 3159 / COSC chronometer tolerance',
    'ISO 22810 water resistance',
    'Luxury resale condition scales',
  ],
  checks: [
    authenticity('watch'),
    choice(
      'serial_papers',
      'Serial and papers',
      'Case serial against the warranty card and brand records.',
      [
        ['matches', 'Matches the papers', 'none'],
        ['no_papers', 'No papers', 'cosmetic', share(0.1)],
        ['mismatch_or_removed', 'Mismatch or removed serial', 'critical', share(1)],
      ],
      { section: 'Authenticity' },
    ),
    passes(
      'runs',
      'Runs',
      'Mechanical: winds and runs; quartz: runs on a fresh battery.',
      'functional',
      share(0.15, 'movement service'),
      { section: 'Movement' },
    ),
    number(
      'rate_s_per_day',
      'Rate',
      'Timegrapher, dial-up, fully wound, rounded to whole seconds. Leave empty for a quartz watch or one that does not run.',
      { unit: 's/day', min: -600, max: 600 },
      [
        [
          undefined,
          -20,
          'Loses more than 20 s/day (service)',
          'functional',
          fixed(3000, 'movement service'),
        ],
        [-20, -4, 'Loses 5–20 s/day (regulate)', 'cosmetic', fixed(500, 'regulation')],
        [-4, 7, 'Within chronometer tolerance (−4 / +6)', 'none'],
        [7, 21, 'Gains 7–20 s/day (regulate)', 'cosmetic', fixed(500, 'regulation')],
        [
          21,
          undefined,
          'Gains more than 20 s/day (service)',
          'functional',
          fixed(3000, 'movement service'),
        ],
      ],
      { required: false, section: 'Movement' },
    ),
    choice(
      'water_resistance',
      'Water resistance',
      'Pressure / vacuum test to the rated depth.',
      [
        ['pass', 'Passes', 'none'],
        ['fail', 'Fails (gaskets)', 'functional', fixed(800, 'gaskets and test')],
        ['not_rated', 'Not water resistant by design', 'none'],
      ],
      { section: 'Movement' },
    ),
    choice(
      'crystal',
      'Crystal',
      'Scratches, chips, cracks.',
      [
        ['flawless', 'Flawless', 'none'],
        ['light_scratches', 'Light scratches', 'cosmetic', share(0.02)],
        [
          'chipped_or_cracked',
          'Chipped or cracked',
          'functional',
          fixed(1500, 'crystal replacement'),
        ],
      ],
      { section: 'Case' },
    ),
    choice(
      'case_bezel',
      'Case and bezel',
      'Sharp edges (unpolished), dents, bezel action.',
      [
        ['unpolished_flawless', 'Unpolished, flawless', 'none'],
        ['light_wear', 'Light desk-diving marks', 'cosmetic', share(0.03)],
        ['deep_marks', 'Deep scratches or dents', 'cosmetic', share(0.06)],
        ['overpolished', 'Over-polished (soft edges)', 'cosmetic', share(0.12)],
      ],
      { section: 'Case' },
    ),
    choice(
      'dial_hands',
      'Dial and hands',
      'Original dial and hands, lume, marks.',
      [
        ['original_flawless', 'Original, flawless', 'none'],
        ['light_marks', 'Light marks or aged lume', 'cosmetic', share(0.04)],
        ['damaged_or_relumed', 'Damaged or relumed', 'functional', share(0.2)],
        ['aftermarket', 'Aftermarket dial or hands', 'functional', share(0.3)],
      ],
      { section: 'Dial' },
    ),
    choice(
      'bracelet',
      'Bracelet / strap',
      'Stretch, links, clasp.',
      [
        ['tight', 'Tight, all links', 'none'],
        ['light_stretch', 'Light stretch', 'cosmetic', share(0.02)],
        [
          'heavy_stretch_or_missing_links',
          'Heavy stretch or missing links',
          'cosmetic',
          share(0.05),
        ],
        ['broken', 'Broken clasp or bracelet', 'functional', fixed(2000)],
      ],
      { section: 'Case' },
    ),
    choice(
      'service_history',
      'Service history',
      'Service papers from the brand or a certified watchmaker.',
      [
        ['within_5_years', 'Serviced within 5 years', 'none'],
        ['unknown_or_overdue', 'Unknown or overdue', 'cosmetic', fixed(3000, 'service reserve')],
      ],
      { section: 'Movement' },
    ),
    choice(
      'box_papers',
      'Box and papers',
      'Inner / outer box, warranty card, booklets, tags.',
      [
        ['full_set', 'Full set', 'none'],
        ['papers_only', 'Papers only', 'cosmetic', share(0.03)],
        ['none', 'Watch only', 'cosmetic', share(0.1)],
      ],
      { section: 'Accessories' },
    ),
    photos(
      'photos',
      'Photos',
      'Dial, case sides, caseback, clasp, serial, papers, timegrapher reading.',
      5,
    ),
  ],
  rules: [counterfeitRule, inconclusiveRule, anyCritical, anyFunctional, cosmeticLimit(3)],
};

export const BOOK_STANDARD: GradingStandard = {
  code: 'book',
  version: 1,
  name: 'Books',
  description:
    'Printed books. Premium: complete, tight binding, no writing, clean and dry. Mould or missing pages: paper recycling.',
  currency: 'CNY',
  references: ['Used-book condition scales (Like New / Very Good / Good / Acceptable)', GB_45656],
  checks: [
    choice(
      'completeness',
      'Completeness',
      'Page through: every page, plates, maps, CD / access code if listed.',
      [
        ['complete', 'Complete', 'none'],
        ['missing_supplement', 'Supplement or access code missing', 'cosmetic', share(0.2)],
        ['missing_pages', 'Missing or torn-out pages', 'critical', share(1)],
      ],
      { section: 'Content' },
    ),
    choice(
      'cover',
      'Cover and dust jacket',
      'Creases, tears, scuffs, sticker residue.',
      [
        ['like_new', 'Like new', 'none'],
        ['light_wear', 'Light wear', 'cosmetic', share(0.1)],
        ['creased_or_torn', 'Creased or torn', 'cosmetic', share(0.25)],
        ['detached', 'Detached (recover)', 'functional', share(0.4)],
      ],
      { section: 'Binding' },
    ),
    choice(
      'binding',
      'Spine and binding',
      'Open flat at several points; spine lean.',
      [
        ['tight', 'Tight', 'none'],
        ['slight_lean', 'Slight lean', 'cosmetic', share(0.05)],
        ['loose', 'Loose or cracked', 'functional', share(0.3)],
        ['split', 'Split into sections', 'critical', share(1)],
      ],
      { section: 'Binding' },
    ),
    number(
      'annotated_pages_percent',
      'Pages with writing or highlighting',
      'Estimate the share of pages with notes, underlining or highlighting.',
      { unit: '%', min: 0, max: 100 },
      [
        [0, 1, 'None', 'none'],
        [1, 10, 'Some notes', 'cosmetic', share(0.15)],
        [10, undefined, 'Heavily annotated', 'functional', share(0.4)],
      ],
      { section: 'Content' },
    ),
    choice(
      'water_mould',
      'Water damage and mould',
      'Waviness, tide marks, spots of mould.',
      [
        ['none', 'None', 'none'],
        ['light_waviness', 'Light waviness', 'cosmetic', share(0.15)],
        ['stains', 'Water stains', 'functional', share(0.4)],
        ['mould', 'Mould', 'critical', share(1)],
      ],
      { section: 'Condition' },
    ),
    choice(
      'odour',
      'Odour',
      'Smoke, mildew, perfume.',
      [
        ['none', 'None', 'none'],
        ['slight', 'Slight', 'cosmetic', share(0.1)],
        ['strong', 'Smoke or mildew', 'functional', share(0.4)],
      ],
      { section: 'Condition' },
    ),
    choice(
      'yellowing',
      'Page yellowing',
      'Edges and inner pages.',
      [
        ['none', 'None', 'none'],
        ['light', 'Light', 'cosmetic', share(0.05)],
        ['heavy', 'Heavy or foxing', 'cosmetic', share(0.2)],
      ],
      { section: 'Condition' },
    ),
    faultPresent(
      'ex_library',
      'Ex-library or stamped',
      'Library stamps, pockets, stickers, “not for sale” marks.',
      'cosmetic',
      share(0.2),
      { section: 'Condition' },
    ),
    choice(
      'isbn_barcode',
      'ISBN barcode',
      'Scannable ISBN on the back cover or copyright page.',
      [
        ['readable', 'Readable', 'none'],
        ['damaged', 'Damaged or covered', 'cosmetic', share(0.05)],
      ],
      { section: 'Content' },
    ),
    choice(
      'edition',
      'Edition',
      'Textbooks: is this the edition in current use?',
      [
        ['not_applicable', 'Not a textbook', 'none'],
        ['current', 'Current edition', 'none'],
        ['superseded', 'Superseded edition', 'cosmetic', share(0.4)],
      ],
      { section: 'Content' },
    ),
    photos('photos', 'Photos', 'Front cover, back cover with ISBN, copyright page.', 2),
  ],
  rules: [anyCritical, anyFunctional, cosmeticLimit(2)],
};

export const CLOTHING_STANDARD: GradingStandard = {
  code: 'clothing',
  version: 1,
  name: 'Clothing and footwear',
  description:
    'Garments and shoes. Premium: clean, no holes or stains, fasteners and labels intact. ' +
    'Permanent stains, large tears and pests: textile recycling.',
  currency: 'CNY',
  references: [
    'GB 18401-2010 国家纺织产品基本安全技术规范',
    'Resale condition scales (New with tags / Excellent / Good / Fair)',
  ],
  checks: [
    choice(
      'authenticity',
      'Authenticity',
      'Branded items: labels, stitching, materials, serial / QR tags.',
      [
        ['verified', 'Verified authentic', 'none'],
        ['unbranded', 'Unbranded / no authentication needed', 'none'],
        ['inconclusive', 'Inconclusive (send to expert)', 'functional'],
        ['counterfeit', 'Counterfeit', 'critical', share(1)],
      ],
      { section: 'Authenticity' },
    ),
    choice(
      'stains',
      'Stains',
      'Under a daylight lamp, inside and out; collar, cuffs, underarms.',
      [
        ['none', 'None', 'none'],
        ['faint', 'Faint (washes out)', 'cosmetic', fixed(30, 'cleaning')],
        [
          'visible',
          'Visible (professional cleaning)',
          'functional',
          fixed(80, 'professional cleaning'),
        ],
        ['permanent', 'Permanent', 'critical', share(0.9)],
      ],
      { section: 'Fabric' },
    ),
    choice(
      'holes_tears',
      'Holes and tears',
      'Seams, elbows, knees, hems.',
      [
        ['none', 'None', 'none'],
        ['small_repairable', 'Small, repairable', 'functional', fixed(50, 'mending')],
        ['large', 'Large or in the fabric body', 'critical', share(0.9)],
      ],
      { section: 'Fabric' },
    ),
    choice(
      'pilling',
      'Pilling',
      'Underarms, sides, seat.',
      [
        ['none', 'None', 'none'],
        ['light', 'Light', 'cosmetic', share(0.05)],
        ['heavy', 'Heavy (de-pill)', 'functional', fixed(30, 'de-pilling')],
      ],
      { section: 'Fabric' },
    ),
    choice(
      'fading',
      'Fading',
      'Compare inside seams with the outside.',
      [
        ['none', 'None', 'none'],
        ['slight', 'Slight', 'cosmetic', share(0.05)],
        ['obvious', 'Obvious or uneven', 'cosmetic', share(0.25)],
      ],
      { section: 'Fabric' },
    ),
    choice(
      'odour',
      'Odour',
      'Smoke, sweat, perfume, mildew.',
      [
        ['none', 'None', 'none'],
        ['slight', 'Slight', 'cosmetic', fixed(20)],
        ['strong', 'Strong (ozone treatment)', 'functional', fixed(60, 'ozone treatment')],
      ],
      { section: 'Hygiene' },
    ),
    choice(
      'hygiene_pests',
      'Hygiene and pests',
      'Moth holes, larvae, mould.',
      [
        ['clean', 'Clean', 'none'],
        ['needs_washing', 'Needs washing', 'cosmetic', fixed(20, 'washing')],
        ['pests_or_mould', 'Pests or mould', 'critical', share(1)],
      ],
      { section: 'Hygiene' },
    ),
    passes(
      'fasteners',
      'Zips, buttons and snaps work',
      'All present and working.',
      'functional',
      fixed(30, 'fastener repair'),
      { section: 'Construction' },
    ),
    choice(
      'labels',
      'Labels',
      'Brand, size and care labels.',
      [
        ['intact', 'Intact', 'none'],
        ['care_label_cut', 'Care label cut', 'cosmetic', share(0.03)],
        ['brand_label_missing', 'Brand label missing', 'cosmetic', share(0.2)],
      ],
      { section: 'Construction' },
    ),
    faultPresent(
      'altered',
      'Altered from original size',
      'Hems taken up, seams taken in.',
      'cosmetic',
      share(0.1),
      { section: 'Construction' },
    ),
    choice(
      'soles',
      'Soles and uppers (footwear)',
      'Sole wear, heel drag, midsole creasing, separation.',
      [
        ['not_present', 'Not footwear', 'none'],
        ['like_new', 'Like new', 'none'],
        ['worn', 'Visible wear', 'cosmetic', share(0.15)],
        [
          'worn_through_or_separated',
          'Worn through or sole separating',
          'functional',
          fixed(120, 'resoling / regluing'),
        ],
      ],
      { section: 'Construction' },
    ),
    photos('photos', 'Photos', 'Front, back, labels, any flaw close up.', 3),
  ],
  rules: [counterfeitRule, inconclusiveRule, anyCritical, anyFunctional, cosmeticLimit(2)],
};

const sectionScore = (
  id: string,
  label: string,
  help: string,
  fullMarks: number,
  noneFrom: number,
  cosmeticFrom: number,
): NumberCheck =>
  number(
    id,
    label,
    help,
    { unit: 'points', min: 0, max: fullMarks, scored: true },
    [
      [noneFrom, undefined, 'Minor or no defects', 'none'],
      [cosmeticFrom, noneFrom, 'Some defects', 'cosmetic', share(0.03)],
      [0, cosmeticFrom, 'Significant defects', 'functional', share(0.08)],
    ],
    { section: 'Technical condition' },
  );

/**
 * Version 1 (typed section totals). No longer seeded for new installs; kept so that reports
 * graded under it can be read and recomputed (a report keeps its standard version).
 */
export const VEHICLE_STANDARD_V1: GradingStandard = {
  code: 'vehicle',
  version: 1,
  name: 'Passenger vehicles',
  description:
    'A GB/T 30323-2013 style scored checklist: six sections worth 100 points (body 20, engine ' +
    'bay 20, cabin 10, start-up 20, road test 15, chassis 15). Level 1 (≥ 90, no accident) is ' +
    'premium; below 20 points, flood or fire damage is scrap. VIN, documents and odometer are ' +
    'checked before anything else.',
  currency: 'CNY',
  references: ['GB/T 30323-2013 二手车鉴定评估技术规范'],
  scoring: { maxScore: 100 },
  checks: [
    passes(
      'vin_matches',
      'VIN matches',
      'VIN on the chassis, windscreen plate and registration certificate agree.',
      'critical',
      share(1),
      { section: 'Identity' },
    ),
    choice(
      'documents',
      'Documents',
      'Registration certificate (登记证书), driving licence (行驶证), valid inspection and compulsory insurance; no mortgage or seizure.',
      [
        ['complete', 'Complete', 'none'],
        ['missing_some', 'Some documents missing (re-issue)', 'cosmetic', fixed(500, 're-issue')],
        ['encumbered', 'Mortgaged or seized', 'critical', share(1)],
      ],
      { section: 'Identity' },
    ),
    number(
      'odometer_km',
      'Odometer',
      'As displayed.',
      { unit: 'km', min: 0, max: 2_000_000 },
      [[0, undefined, 'Recorded for valuation', 'none']],
      { section: 'Identity' },
    ),
    passes(
      'odometer_consistent',
      'Odometer consistent with records',
      'Maintenance records, insurance claims and inspection history agree with the odometer.',
      'functional',
      share(0.15),
      { section: 'Identity' },
    ),
    choice(
      'accident_history',
      'Accident history',
      'The structural points of GB/T 30323 (pillars, sills, longerons, firewall, shock towers) and flood / fire traces.',
      [
        ['none', 'No accident', 'none'],
        ['bolt_on_panels', 'Bolt-on panels replaced or repainted', 'cosmetic', share(0.05)],
        ['structural_repair', 'Structural repair (accident vehicle)', 'functional', share(0.25)],
        ['flood', 'Flood damage', 'critical', share(0.7)],
        ['fire', 'Fire damage', 'critical', share(0.8)],
      ],
      { section: 'Accident' },
    ),
    sectionScore(
      'body_score',
      'Body',
      'Paint, panel gaps, glass, lights, tyres (20 points).',
      20,
      18,
      12,
    ),
    sectionScore(
      'engine_bay_score',
      'Engine bay',
      'Leaks, belts, hoses, wiring, fluids (20 points).',
      20,
      18,
      12,
    ),
    sectionScore(
      'cabin_score',
      'Cabin',
      'Seats, trim, dashboard, electrics, air conditioning (10 points).',
      10,
      9,
      6,
    ),
    sectionScore(
      'startup_score',
      'Start-up',
      'Cold start, idle, warning lights, fault codes (20 points).',
      20,
      18,
      12,
    ),
    sectionScore(
      'road_test_score',
      'Road test',
      'Acceleration, gearbox, brakes, steering, noise (15 points).',
      15,
      14,
      9,
    ),
    sectionScore(
      'chassis_score',
      'Chassis',
      'Suspension, exhaust, underbody rust, leaks (15 points).',
      15,
      14,
      9,
    ),
    photos(
      'photos',
      'Photos',
      'The standard nine: front 45°, rear 45°, each side, dashboard with odometer, engine bay, VIN plate, seats, boot.',
      9,
    ),
  ],
  rules: [
    {
      id: 'vin-mismatch',
      kind: 'answer',
      checkId: 'vin_matches',
      condition: { op: 'in', values: [false] },
      grade: 'scrap',
      hold: true,
      label: 'VIN mismatch (hold for compliance)',
    },
    {
      id: 'encumbered',
      kind: 'answer',
      checkId: 'documents',
      condition: { op: 'in', values: ['encumbered'] },
      grade: 'scrap',
      hold: true,
      label: 'Mortgaged or seized (hold: cannot be transferred)',
    },
    {
      id: 'odometer-inconsistent',
      kind: 'answer',
      checkId: 'odometer_consistent',
      condition: { op: 'in', values: [false] },
      grade: 'good',
      hold: true,
      label: 'Odometer inconsistent with records (hold: suspected tampering)',
    },
    anyCritical,
    {
      id: 'score-below-20',
      kind: 'score-below',
      below: 20,
      grade: 'scrap',
      label: 'Technical score below 20 (level 4)',
    },
    {
      id: 'score-below-90',
      kind: 'score-below',
      below: 90,
      grade: 'good',
      label: 'Technical score below 90 (not level 1)',
    },
    anyFunctional,
  ],
};

// Version 2: GB/T 30323-2013 item by item. Each inspection item of a section is answered
// "no defect / minor / severe" and takes its points off the section (never below 0); the
// structural points of the accident determination, flood and fire traces are yes/no items.

type ItemSpec = [id: string, label: string, minorPoints: number, severePoints: number];

const inspectionItem = (
  section: string,
  sectionLabel: string,
  [id, label, minorPoints, severePoints]: ItemSpec,
): ChoiceCheck => ({
  ...choice(
    id,
    label,
    `GB/T 30323 ${sectionLabel}: minor defect −${minorPoints}, severe −${severePoints} points.`,
    [
      ['ok', 'No defect', 'none'],
      ['minor', 'Minor defect', 'cosmetic', share(0.005)],
      ['severe', 'Severe defect', 'cosmetic', share(0.015)],
    ],
    { section: sectionLabel },
  ),
  options: [
    { value: 'ok', label: 'No defect', severity: 'none', points: 0 },
    {
      value: 'minor',
      label: 'Minor defect',
      severity: 'cosmetic',
      deduction: share(0.005),
      points: minorPoints,
    },
    {
      value: 'severe',
      label: 'Severe defect',
      severity: 'cosmetic',
      deduction: share(0.015),
      points: severePoints,
    },
  ],
  scoreSection: section,
});

const VEHICLE_ITEMS: ReadonlyArray<{ section: string; label: string; items: ItemSpec[] }> = [
  {
    section: 'body',
    label: 'Body (20 points)',
    items: [
      ['body_front_bumper', 'Front bumper', 0.5, 1],
      ['body_rear_bumper', 'Rear bumper', 0.5, 1],
      ['body_bonnet', 'Bonnet', 1, 2],
      ['body_boot_lid', 'Boot lid', 1, 2],
      ['body_front_wings', 'Front wings (left and right)', 1, 2],
      ['body_rear_quarters', 'Rear quarter panels (left and right)', 1, 2],
      ['body_front_doors', 'Front doors (left and right)', 1, 2],
      ['body_rear_doors', 'Rear doors (left and right)', 1, 2],
      ['body_roof', 'Roof', 1, 2],
      ['body_glass', 'Windscreen and windows', 1, 3],
      ['body_lights', 'Head, tail and indicator lights', 0.5, 1.5],
      ['body_mirrors', 'Door mirrors', 0.5, 1],
      ['body_wheels_tyres', 'Wheels and tyres (tread, age, matching)', 1, 2],
    ],
  },
  {
    section: 'engine_bay',
    label: 'Engine bay (20 points)',
    items: [
      ['engine_oil_leaks', 'Engine oil leaks', 2, 5],
      ['engine_coolant', 'Coolant level, colour and leaks', 2, 4],
      ['engine_belts', 'Drive belts', 1, 3],
      ['engine_hoses', 'Hoses and pipes', 1, 3],
      ['engine_wiring', 'Wiring harness and connectors', 1, 3],
      ['engine_battery', 'Battery and terminals', 1, 2],
      ['engine_fluids', 'Brake and steering fluids', 1, 2],
      ['engine_mounts', 'Engine and gearbox mounts', 1, 3],
      ['engine_overhaul_traces', 'Traces of engine overhaul', 2, 5],
    ],
  },
  {
    section: 'cabin',
    label: 'Cabin (10 points)',
    items: [
      ['cabin_seats', 'Seats and adjustment', 0.5, 1.5],
      ['cabin_belts', 'Seat belts', 1, 2],
      ['cabin_dashboard', 'Dashboard, trim and headliner', 0.5, 1],
      ['cabin_instruments', 'Instrument cluster and warning lamps test', 1, 2],
      ['cabin_airbags', 'Airbags (SRS) present and undeployed', 2, 5],
      ['cabin_air_conditioning', 'Air conditioning and heating', 1, 2],
      ['cabin_windows_locks', 'Power windows, locks and mirrors', 0.5, 1],
      ['cabin_infotainment', 'Audio, screen and reversing camera', 0.5, 1],
    ],
  },
  {
    section: 'startup',
    label: 'Start-up (20 points)',
    items: [
      ['startup_cold_start', 'Cold start at first try', 2, 5],
      ['startup_idle', 'Stable idle speed', 2, 4],
      ['startup_warning_lights', 'Warning lights go out after start', 2, 4],
      ['startup_fault_codes', 'OBD fault codes', 2, 5],
      ['startup_exhaust_smoke', 'Exhaust smoke (blue, black or white)', 2, 4],
      ['startup_engine_noise', 'Engine noise at idle', 1, 3],
      ['startup_gear_selection', 'Gear selection P/R/N/D or clutch engagement', 1, 3],
    ],
  },
  {
    section: 'road_test',
    label: 'Road test (15 points)',
    items: [
      ['road_acceleration', 'Acceleration and power', 1, 3],
      ['road_gear_changes', 'Gear changes (smooth, no slipping)', 2, 4],
      ['road_braking', 'Braking (straight, no judder)', 2, 4],
      ['road_steering', 'Steering (no pull, no excessive play)', 1, 3],
      ['road_suspension_noise', 'Suspension noise over bumps', 1, 2],
      ['road_driver_assistance', 'Cruise control and driver assistance', 0.5, 1],
    ],
  },
  {
    section: 'chassis',
    label: 'Chassis (15 points)',
    items: [
      ['chassis_front_suspension', 'Front suspension and arms', 1, 3],
      ['chassis_rear_suspension', 'Rear suspension', 1, 3],
      ['chassis_shock_absorbers', 'Shock absorbers', 1, 2],
      ['chassis_exhaust', 'Exhaust system', 0.5, 2],
      ['chassis_underbody_rust', 'Underbody rust', 1, 3],
      ['chassis_leaks', 'Oil and fluid leaks underneath', 1, 3],
      ['chassis_brakes', 'Brake discs, pads and lines', 1, 3],
      ['chassis_driveshafts', 'Driveshafts and CV boots', 0.5, 2],
    ],
  },
];

const ACCIDENT_SECTION = 'Accident determination';

export const VEHICLE_STANDARD: GradingStandard = {
  ...VEHICLE_STANDARD_V1,
  version: 2,
  description:
    'GB/T 30323-2013 item by item: each inspection item of the six sections (body 20, engine ' +
    'bay 20, cabin 10, start-up 20, road test 15, chassis 15) takes its points off its section. ' +
    'Level 1 (≥ 90, no accident) is premium; any structural point damaged or repaired makes an ' +
    'accident vehicle (level 5); flood or fire traces, or under 20 points, are scrap. VIN, ' +
    'documents and odometer are checked before anything else.',
  scoring: {
    maxScore: 100,
    sections: GBT30323_SECTIONS.map((s) => ({ id: s.id, label: s.area, maxPoints: s.points })),
  },
  checks: [
    ...VEHICLE_STANDARD_V1.checks.filter((c) => c.section === 'Identity'),
    ...GBT30323_STRUCTURAL_POINTS.map((p) =>
      faultPresent(
        p.checkId,
        `${p.label}: damaged, repaired or replaced`,
        `${p.labelZh}. Welds, cuts, sealer, replaced spot welds or deformation (accident vehicle).`,
        'functional',
        share(0.25),
        { section: ACCIDENT_SECTION },
      ),
    ),
    faultPresent(
      BOLT_ON_PANELS_CHECK,
      'Bolt-on panels replaced or repainted',
      'Doors, wings, bonnet or boot lid unbolted, replaced or repainted (not an accident vehicle).',
      'cosmetic',
      share(0.05),
      { section: ACCIDENT_SECTION },
    ),
    faultPresent(
      FLOOD_TRACES_CHECK,
      'Flood traces',
      'Silt or a water line under the carpets and in the boot, rust on seat rails and pedals, damp smell.',
      'critical',
      share(0.7),
      { section: ACCIDENT_SECTION },
    ),
    faultPresent(
      FIRE_TRACES_CHECK,
      'Fire traces',
      'Melted wiring or plastic, soot or scorching in the engine bay or cabin.',
      'critical',
      share(0.8),
      { section: ACCIDENT_SECTION },
    ),
    ...VEHICLE_ITEMS.flatMap((s) => s.items.map((i) => inspectionItem(s.section, s.label, i))),
    ...VEHICLE_STANDARD_V1.checks.filter((c) => c.kind === 'photo'),
  ],
  rules: [
    ...VEHICLE_STANDARD_V1.rules.filter((r) => r.kind === 'answer'),
    anyCritical,
    {
      id: 'score-below-20',
      kind: 'score-below',
      below: 20,
      grade: 'scrap',
      label: 'Technical score below 20 (level 4)',
    },
    {
      id: 'score-below-90',
      kind: 'score-below',
      below: 90,
      grade: 'good',
      label: 'Technical score below 90 (not level 1)',
    },
    {
      id: 'section-below-60',
      kind: 'section-below',
      share: 0.6,
      grade: 'good',
      label: 'A section kept less than 60 % of its points (significant defects)',
    },
    anyFunctional,
  ],
};

/** Every demo standard, one per category family. */
export const DEMO_STANDARDS: readonly GradingStandard[] = [
  PHONE_STANDARD,
  TABLET_STANDARD,
  LAPTOP_STANDARD,
  CAMERA_STANDARD,
  CONSOLE_STANDARD,
  WEARABLE_STANDARD,
  APPLIANCE_STANDARD,
  PIANO_STANDARD,
  BAG_STANDARD,
  WATCH_STANDARD,
  BOOK_STANDARD,
  CLOTHING_STANDARD,
  VEHICLE_STANDARD,
];

/** The demo standard with this family code, if any. */
export function findDemoStandard(code: string): GradingStandard | undefined {
  return DEMO_STANDARDS.find((s) => s.code === code);
}
