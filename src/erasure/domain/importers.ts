/**
 * Importers for reports written by real erasure tools, normalised to ErasureRunRecord:
 *  - nwipe: the fields of its PDF certificate / log ("Make/Model:", "Serial:", "Method:",
 *    "Rounds(completed/requested):", "Verify Pass(Last/All/None):", "Status: ERASED", ...);
 *  - Blancco-style reports, JSON or XML (erasure → target → serial/vendor/model/capacity,
 *    method, passes, verification, state "Successful", times, software version), including
 *    Blancco's `<entries name="..."><entry name="...">` XML layout.
 * A report is only trusted for a medium after matchReportToMedium checked the serial.
 */
import {
  type ErasureRunRecord,
  type Medium,
  normaliseSerial,
  type Technique,
  type VerificationMethod,
  type VerificationOutcome,
} from './types.js';

export class ReportParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportParseError';
  }
}

export class SerialMismatchError extends Error {
  constructor(
    readonly reportSerials: string[],
    readonly mediumSerial: string,
  ) {
    super(
      `report is for serial ${reportSerials.join(', ') || '(none)'}, not for medium ${mediumSerial}`,
    );
    this.name = 'SerialMismatchError';
  }
}

export interface ImportOptions {
  /**
   * UTC offset for timestamps written without one (nwipe prints local time). Default '+08:00',
   * the offset of the warehouses this platform runs.
   */
  defaultUtcOffset?: string;
}

// ---------------------------------------------------------------------------------------------
// Method names → technique and passes

interface MethodInfo {
  technique: Technique | null;
  /** Overwrite passes in one round of the method (before nwipe's optional final blanking pass). */
  passesPerRound: number;
}

/**
 * Known method labels (nwipe's, Blancco's, common standards). Matched on a normalised label;
 * order matters: the first pattern that matches wins.
 */
const METHOD_PATTERNS: Array<[RegExp, MethodInfo]> = [
  [/verify (zeros|ones)/, { technique: null, passesPerRound: 0 }], // nwipe verification-only methods
  [/crypto|cryptographic|cryptoscramble/, { technique: 'crypto-erase', passesPerRound: 1 }],
  [/block erase/, { technique: 'block-erase', passesPerRound: 1 }],
  [/nvme.*(sanitize|format)/, { technique: 'nvme-sanitize', passesPerRound: 1 }],
  [/sanitize|sanitise/, { technique: 'ata-sanitize', passesPerRound: 1 }],
  [/secure erase|security erase/, { technique: 'ata-secure-erase', passesPerRound: 1 }],
  [/gutmann/, { technique: 'overwrite', passesPerRound: 35 }],
  [
    /dod short|dod 3|5220\.22-m \(?3|dod 5220\.22-m \(?e\)?/,
    { technique: 'overwrite', passesPerRound: 3 },
  ],
  [/dod|5220\.22|schneier/, { technique: 'overwrite', passesPerRound: 7 }],
  [/rcmp|tssit|ops-ii/, { technique: 'overwrite', passesPerRound: 8 }],
  [/hmg is5 enhanced|is5 enhanced/, { technique: 'overwrite', passesPerRound: 3 }],
  [/hmg is5|is5 baseline/, { technique: 'overwrite', passesPerRound: 1 }],
  [/bmb21/, { technique: 'overwrite', passesPerRound: 6 }],
  [/nist.*clear/, { technique: 'overwrite', passesPerRound: 1 }],
  [
    /prng|random|zero|ones|fill|overwrite|one pass|single pass/,
    { technique: 'overwrite', passesPerRound: 1 },
  ],
];

/**
 * Maps a tool's method label to a technique. Labels that do not say what the tool did — e.g.
 * Blancco's "NIST 800-88 Purge", which is a firmware command on one drive and an overwrite on
 * another — map to null: a certificate must not claim a technique nobody can show was used.
 */
export function methodFromName(name: string): MethodInfo {
  const label = name
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
    .trim();
  for (const [pattern, info] of METHOD_PATTERNS) if (pattern.test(label)) return info;
  return { technique: null, passesPerRound: 0 };
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

function normaliseKey(key: string): string {
  return key
    .toLowerCase()
    .replace(/^[*\s]+/, '')
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

/** ISO string (UTC) from the many timestamp shapes tools write; undefined if unparseable. */
export function parseToolTimestamp(
  value: string | undefined,
  defaultUtcOffset = '+08:00',
): string | undefined {
  if (!value) return undefined;
  let text = value.trim();
  if (/^\d{9,11}$/.test(text)) return new Date(Number(text) * 1000).toISOString(); // epoch seconds
  // "2024/03/01 10:00:00" (nwipe) → "2024-03-01T10:00:00"
  const m =
    /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(.*)$/.exec(
      text,
    );
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '00', frac = '', zoneRaw] = m;
  let zone = zoneRaw.trim();
  if (zone === '') zone = defaultUtcOffset;
  else if (/^(z|utc|gmt)$/i.test(zone)) zone = 'Z';
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  else if (/^[+-]\d{2}$/.test(zone)) zone = `${zone}:00`;
  else if (!/^[+-]\d{2}:\d{2}$/.test(zone)) return undefined;
  text = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}T${h.padStart(2, '0')}:${mi}:${s}${frac}${zone}`;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes from "500107862016", "500GB, 500107862016 bytes", "465.8 GiB"; exact byte counts win. */
export function parseCapacity(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.replace(/,(?=\d{3})/g, '');
  const exact = /(\d+)\s*bytes?\b/i.exec(text);
  if (exact) return Number(exact[1]);
  if (/^\s*\d+\s*$/.test(text)) return Number(text);
  // "500107862016, (100.00%)": a leading integer without a unit is a byte count
  const leading = /^\s*(\d+)(?![\d.]|\s*[kmgt]i?b)/i.exec(text);
  if (leading) return Number(leading[1]);
  const sized = /(\d+(?:\.\d+)?)\s*([kmgt]i?b)\b/i.exec(text);
  if (sized) return Math.round(Number(sized[1]) * UNIT_BYTES[sized[2].toLowerCase()]);
  return undefined;
}

/**
 * A count as tools print it, "done/asked" ("1/2") or just "done" ("3"); undefined without a
 * number. Rounds and passes alike.
 */
function doneOfAsked(text: string | undefined): { done: number; asked: number } | undefined {
  const m = /(\d+)\s*(?:\/\s*(\d+))?/.exec(text ?? '');
  if (!m) return undefined;
  const done = Number(m[1]);
  return { done, asked: m[2] !== undefined ? Number(m[2]) : done };
}

function parseVerificationLabel(value: string | undefined): VerificationMethod | undefined {
  if (value === undefined) return undefined;
  const v = value
    .toLowerCase()
    .replace(/^verify\s+/, '')
    .trim();
  if (v === '') return undefined;
  const pct = /(\d+(?:\.\d+)?)\s*%/.exec(v);
  if (pct) {
    const p = Number(pct[1]);
    return p >= 100 ? 'full' : p > 0 ? 'sample' : 'none';
  }
  if (/\b(none|no|off|false|disabled|not performed|nv)\b/.test(v)) return 'none';
  if (/\b(sampl\w*|partial|quick)\b/.test(v)) return 'sample';
  if (/\b(full|all|last|yes|true|complete|enabled|va|vl)\b/.test(v)) return 'full';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// nwipe

const NWIPE_KEYS: Record<string, string[]> = {
  model: ['make/model', 'model', 'disk model', 'device model'],
  serial: ['serial', 'serial number', 'serial no', 'disk s/n', 's/n'],
  sizeReal: ['size(real)', 'real size'],
  sizeApparent: ['size(apparent)', 'size', 'capacity'],
  bus: ['bus', 'device type'],
  start: ['start time', 'started', 'start'],
  end: ['end time', 'finished', 'end'],
  status: ['status', 'result'],
  method: ['method'],
  prng: ['prng algorithm', 'prng'],
  finalPass: ['final pass(zeros/ones/none)', 'final pass', 'blanking', 'blank'],
  verify: ['verify pass(last/all/none)', 'verify pass', 'verify', 'verification'],
  rounds: ['rounds(completed/requested)', 'rounds'],
  passes: ['passes', 'passes completed'],
  bytesErased: ['bytes erased'],
  errors: ['errors(pass/sync/verify)', 'errors'],
  operator: ['name/id', 'technician', 'operator', 'technician/operator id', 'op tech name'],
  host: ['host', 'hostname', 'system s/n', 'system serial', 'system uuid'],
  version: ['nwipe version', 'version'],
};

const SUMMARY_ROW = /^\s*!?\s*[\w/.-]+\s*\|\s*([A-Za-z]+)\s*\|[^|]*\|[^|]*\|\s*(.+?)\s*$/;

const LOG_PREFIX = /^\s*\[[^\]]*\]\s*(?:(?:notice|info|warning|error|fatal|debug|sanity)\s*:\s*)?/i;

/**
 * Parses nwipe's report in text form: "Key: value" lines as on its PDF certificate (the log's
 * timestamp and level prefixes are tolerated). Throws ReportParseError if serial, method or
 * status are missing.
 */
export function parseNwipeReport(text: string, options: ImportOptions = {}): ErasureRunRecord {
  const fields = new Map<string, string>();
  let version: string | undefined;
  const logs: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    if (rawLine.trim() === '') continue;
    logs.push(rawLine);
    const footer = /nwipe\s+version\s*:?\s*v?([0-9][\w.-]*)/i.exec(rawLine);
    if (footer) version = footer[1];
    const line = rawLine.replace(LOG_PREFIX, '');
    const row = SUMMARY_ROW.exec(line);
    if (row && !/^status$/i.test(row[1])) {
      // Summary table of the log: "sda | Erased | 150 MB/s | 01:23:45 | WDC WD5000/WD-WCAY1234"
      const slash = row[2].lastIndexOf('/');
      if (!fields.has('status')) fields.set('status', row[1]);
      if (slash > 0 && !fields.has('serial')) fields.set('serial', row[2].slice(slash + 1));
      if (slash > 0 && !fields.has('model')) fields.set('model', row[2].slice(0, slash));
      continue;
    }
    // "Key: value" (report) or "key = value" (the log's option manifest)
    const kv = /^\s*([^:=]{1,60}?)\s*[:=]\s*(.*?)\s*$/.exec(line);
    if (!kv) continue;
    const key = normaliseKey(kv[1]);
    for (const [field, aliases] of Object.entries(NWIPE_KEYS)) {
      if (aliases.includes(key) && !fields.has(field)) fields.set(field, kv[2]);
    }
  }
  const get = (field: string) => fields.get(field)?.trim() || undefined;

  const serial = get('serial');
  const methodName = get('method');
  const statusText = get('status');
  if (!serial || serial.toLowerCase() === 'unknown') {
    throw new ReportParseError('nwipe report has no serial number');
  }
  if (!methodName) throw new ReportParseError('nwipe report has no method');
  if (!statusText) throw new ReportParseError('nwipe report has no status');

  const method = methodFromName(methodName);
  // "Rounds(completed/requested): 1/2" or "Rounds: 1"
  const rounds = doneOfAsked(get('rounds')) ?? { done: 1, asked: 1 };
  // nwipe appends one blanking (zero) pass after all rounds unless disabled.
  const finalPass = (get('finalPass') ?? '').toLowerCase();
  const blanking =
    !/none|off|no\b/.test(finalPass) && /zero|one|yes|on\b|blank/.test(finalPass) ? 1 : 0;
  const succeeded = /^erased\b/i.test(statusText);
  const passes = doneOfAsked(get('passes')) ?? {
    done: method.passesPerRound * rounds.done + (succeeded && method.passesPerRound ? blanking : 0),
    asked: method.passesPerRound * rounds.asked + (method.passesPerRound ? blanking : 0),
  };

  const verifyMethod = parseVerificationLabel(get('verify')) ?? 'none';
  const errors = /(\d+)\s*\/\s*(\d+)\s*\/\s*(\d+)/.exec(get('errors') ?? '');
  const verifyErrors = errors ? Number(errors[3]) : 0;
  const verificationOutcome: VerificationOutcome =
    verifyMethod === 'none' ? 'not-run' : verifyErrors > 0 || !succeeded ? 'failed' : 'passed';

  const offset = options.defaultUtcOffset;
  const startedAt = parseToolTimestamp(get('start'), offset);
  const finishedAt = parseToolTimestamp(get('end'), offset);
  if (!startedAt || !finishedAt)
    throw new ReportParseError('nwipe report has no valid start/end time');

  const model = get('model');
  return {
    source: 'nwipe',
    tool: { name: 'nwipe', version: version ?? get('version') ?? 'unknown' },
    serial,
    model,
    capacityBytes: parseCapacity(get('sizeReal')) ?? parseCapacity(get('sizeApparent')),
    bytesErased: parseCapacity(get('bytesErased')),
    technique: method.technique,
    methodName,
    passesRequested: passes.asked,
    passesCompleted: passes.done,
    verification: { method: verifyMethod, outcome: verificationOutcome },
    status: succeeded ? 'succeeded' : 'failed',
    ...(succeeded ? {} : { failureReason: `nwipe status ${statusText}` }),
    startedAt,
    finishedAt,
    host: get('host'),
    operator: get('operator'),
    logs,
  };
}

// ---------------------------------------------------------------------------------------------
// Minimal XML reader (no DTDs, no namespaces semantics): enough for erasure reports.

type Tree = { [key: string]: TreeValue };
type TreeValue = string | Tree | TreeValue[];

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : Number(body.slice(1));
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const token =
    /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/\s*([^\s>]+)\s*>|<\s*([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/gi;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(xml)) !== null) {
    if (match.index !== consumed)
      throw new ReportParseError(`malformed XML near offset ${consumed}`);
    consumed = token.lastIndex;
    const [, cdata, closing, opening, attrText, selfClosing, text] = match;
    const top = stack[stack.length - 1];
    if (cdata !== undefined) top.text += cdata;
    else if (closing !== undefined) {
      if (stack.length < 2 || top.name !== closing) {
        throw new ReportParseError(`unexpected </${closing}>`);
      }
      stack.pop();
    } else if (opening !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of (attrText ?? '').matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attrs[a[1]] = decodeEntities(a[2] ?? a[3] ?? '');
      }
      const element: XmlElement = { name: opening, attrs, children: [], text: '' };
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    } else if (text !== undefined) top.text += decodeEntities(text);
  }
  if (consumed !== xml.length || stack.length !== 1) throw new ReportParseError('malformed XML');
  return root;
}

/**
 * XML → the same plain tree a JSON report gives: `<entries name="x">` and `<entry name="y">`
 * (Blancco) become keys x and y; other elements use their tag; repeated keys become arrays.
 */
function xmlToTree(element: XmlElement): TreeValue {
  if (element.children.length === 0) return element.text.trim();
  const tree: Tree = {};
  for (const child of element.children) {
    const isEntry = child.name === 'entries' || child.name === 'entry';
    const key = isEntry && child.attrs.name ? child.attrs.name : child.name;
    const value = xmlToTree(child);
    const existing = tree[key];
    if (existing === undefined) tree[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else tree[key] = [existing, value];
  }
  return tree;
}

// ---------------------------------------------------------------------------------------------
// Blancco-style

const keyOf = (k: string) => k.toLowerCase().replace(/[\s_-]/g, '');

/** Value of the first of `names` present in the object (keys compared ignoring case, _ - and spaces). */
function pick(tree: TreeValue | undefined, ...names: string[]): TreeValue | undefined {
  if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return undefined;
  const wanted = names.map(keyOf);
  for (const name of wanted) {
    for (const [k, v] of Object.entries(tree)) if (keyOf(k) === name) return v;
  }
  return undefined;
}

function pickText(tree: TreeValue | undefined, ...names: string[]): string | undefined {
  const v = pick(tree, ...names);
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Depth-first: every value stored under one of `names`, arrays flattened. */
function findAll(tree: TreeValue, names: string[]): TreeValue[] {
  const wanted = new Set(names.map(keyOf));
  const found: TreeValue[] = [];
  const visit = (node: TreeValue) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      if (wanted.has(keyOf(k))) {
        if (Array.isArray(v)) found.push(...v);
        else found.push(v);
      } else visit(v);
    }
  };
  visit(tree);
  return found;
}

function asTree(value: unknown): TreeValue {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return (value as unknown[]).map(asTree);
  if (typeof value === 'object') {
    const out: Tree = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = asTree(v);
    return out;
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return '';
}

/**
 * Parses a Blancco-style report (JSON or XML). A report may cover several drives: one record
 * per erasure is returned.
 */
export function parseBlanccoReport(
  content: string,
  options: ImportOptions = {},
): ErasureRunRecord[] {
  const trimmed = content.trim();
  let tree: TreeValue;
  if (trimmed.startsWith('<')) tree = xmlToTree(parseXml(trimmed));
  else {
    try {
      tree = asTree(JSON.parse(trimmed));
    } catch {
      throw new ReportParseError('Blancco report is neither XML nor JSON');
    }
  }

  const software =
    findAll(tree, ['software', 'product', 'author']).find((v) => typeof v === 'object') ?? tree;
  const toolName =
    pickText(software, 'product_name', 'name') ??
    findAll(tree, ['product_name', 'software_name']).find((v) => typeof v === 'string') ??
    'Blancco';
  const toolVersion =
    pickText(software, 'product_version', 'software_version', 'version') ??
    findAll(tree, ['product_version', 'software_version']).find((v) => typeof v === 'string') ??
    'unknown';

  let erasures = findAll(tree, ['erasure']).filter(
    (v) => typeof v === 'object' && !Array.isArray(v),
  );
  if (erasures.length === 0) {
    erasures = findAll(tree, ['erasures']).filter(
      (v) => typeof v === 'object' && !Array.isArray(v),
    );
  }
  if (erasures.length === 0) throw new ReportParseError('Blancco report has no erasure section');

  return erasures.map((erasure, index) => {
    const target = pick(erasure, 'target', 'disk', 'drive', 'device');
    const serial = pickText(target, 'serial', 'serial_number', 'serialnumber');
    if (!serial) throw new ReportParseError(`erasure #${index + 1} has no target serial`);

    const methodNode = pick(erasure, 'method', 'erasure_method');
    const methodName =
      (typeof methodNode === 'string' ? methodNode.trim() : pickText(methodNode, 'name')) ??
      pickText(erasure, 'erasure_standard_name', 'method_name', 'standard') ??
      '';
    if (!methodName) throw new ReportParseError(`erasure #${index + 1} has no method`);
    const method = methodFromName(methodName);

    const passesText =
      pickText(methodNode, 'passes', 'rounds') ??
      pickText(erasure, 'passes', 'overwriting_rounds', 'rounds', 'pass_count', 'passes_completed');
    const passes = doneOfAsked(passesText) ?? {
      done: method.passesPerRound,
      asked: method.passesPerRound,
    };

    const state = pickText(erasure, 'state', 'status', 'result') ?? '';
    const succeeded = /^(successful|success|succeeded|completed|erased)$/i.test(state);

    const verificationNode = pick(erasure, 'verification', 'verify');
    const verificationLabel =
      typeof verificationNode === 'string'
        ? verificationNode
        : (pickText(verificationNode, 'method', 'type', 'level', 'percentage') ??
          pickText(erasure, 'verification_percentage', 'verification_level'));
    const verificationMethod = parseVerificationLabel(verificationLabel) ?? 'none';
    const verificationResult =
      pickText(verificationNode, 'result', 'state', 'outcome', 'status') ??
      pickText(erasure, 'verification_result', 'verification_state');
    let verificationOutcome: VerificationOutcome;
    if (verificationMethod === 'none') verificationOutcome = 'not-run';
    else if (verificationResult) {
      verificationOutcome = /^(pass|passed|ok|successful|success|true|yes)$/i.test(
        verificationResult,
      )
        ? 'passed'
        : 'failed';
    } else {
      // Blancco only reports "Successful" when the verification it was configured with passed.
      verificationOutcome = succeeded ? 'passed' : 'failed';
    }

    const offset = options.defaultUtcOffset;
    const startedAt = parseToolTimestamp(
      pickText(erasure, 'start_time', 'started', 'start'),
      offset,
    );
    const finishedAt = parseToolTimestamp(pickText(erasure, 'end_time', 'finished', 'end'), offset);
    if (!startedAt || !finishedAt) {
      throw new ReportParseError(`erasure #${index + 1} has no valid start/end time`);
    }

    return {
      source: 'blancco',
      tool: { name: toolName, version: toolVersion },
      serial,
      manufacturer: pickText(target, 'vendor', 'manufacturer', 'make'),
      model: pickText(target, 'model', 'product'),
      capacityBytes: parseCapacity(pickText(target, 'capacity', 'size', 'capacity_bytes')),
      technique: method.technique,
      methodName,
      passesRequested: passes.asked,
      passesCompleted: passes.done,
      verification: { method: verificationMethod, outcome: verificationOutcome },
      status: succeeded ? 'succeeded' : 'failed',
      ...(succeeded ? {} : { failureReason: `Blancco state ${state || '(missing)'}` }),
      startedAt,
      finishedAt,
      host: pickText(erasure, 'host', 'hostname', 'computer'),
      operator: pickText(erasure, 'operator', 'technician', 'user'),
      logs: [],
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Entry points

export type ReportFormat = 'nwipe' | 'blancco';

/** Guesses the format: XML/JSON is Blancco-style, "Key: value" text is nwipe. */
export function detectReportFormat(content: string): ReportFormat {
  const start = content.trimStart()[0];
  return start === '<' || start === '{' || start === '[' ? 'blancco' : 'nwipe';
}

/** Parses any supported report into run records (one per drive). */
export function importReport(
  content: string,
  format: ReportFormat = detectReportFormat(content),
  options: ImportOptions = {},
): ErasureRunRecord[] {
  return format === 'nwipe'
    ? [parseNwipeReport(content, options)]
    : parseBlanccoReport(content, options);
}

/**
 * The run in `report` that belongs to `medium`, matched by serial (case and whitespace
 * ignored). Throws SerialMismatchError when none matches: a report for another drive must
 * never certify this one.
 */
export function matchReportToMedium(
  report: ErasureRunRecord | readonly ErasureRunRecord[],
  medium: Pick<Medium, 'serial'>,
): ErasureRunRecord {
  const runs: readonly ErasureRunRecord[] = Array.isArray(report)
    ? report
    : [report as ErasureRunRecord];
  const wanted = normaliseSerial(medium.serial);
  if (wanted === '')
    throw new SerialMismatchError(
      runs.map((r) => r.serial),
      medium.serial,
    );
  const match = runs.find((run) => normaliseSerial(run.serial) === wanted);
  if (!match)
    throw new SerialMismatchError(
      runs.map((r) => r.serial),
      medium.serial,
    );
  return match;
}
