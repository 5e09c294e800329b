/**
 * The operator's data sets (issue 20 point 4): reviewed YAML or JSON files in the top-level
 * `config/` folder, each checked against its JSON Schema in `config/schemas/`. A file that does
 * not parse or does not match its schema stops the boot with the file, the line and the field at
 * fault (`config/service-areas.yaml:12:9 areas.0.windows.1.capacity: must be >= 1`).
 *
 * The code keeps the engines; what an operator changes without a release lives here. See
 * docs/configuration.md for the format of each file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/** The data sets in `config/`, each `<name>.yaml` (or `.yml`, `.json`) with `schemas/<name>.schema.json`. */
export const OPERATOR_DATA_SETS = [
  'service-areas',
  'repair-costs',
  'erasure-policies',
  'organisations',
  'categories',
  'regional-factors',
] as const;
export type OperatorDataSet = (typeof OPERATOR_DATA_SETS)[number];

/**
 * The data sets that are a folder of files, one entry per file (`grading-standards/phone.yaml`),
 * every file checked against `schemas/<name>.schema.json`.
 */
export const OPERATOR_DATA_FOLDERS = ['grading-standards'] as const;
export type OperatorDataFolder = (typeof OPERATOR_DATA_FOLDERS)[number];

const EXTENSIONS = ['.yaml', '.yml', '.json'];

/** One problem in one file: where it is (1-based line and column) and which field. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the field at fault (`areas.0.windows.1.capacity`), `(file)` for the whole file. */
  field: string;
  message: string;
}

/**
 * A check the schema cannot express (a reference to another entry, a time zone): the path of
 * the field at fault in the file's data and what is wrong. The loader finds its line.
 */
export type DataCheck = (
  data: never,
  /** The file's name without its extension (`phone` for `grading-standards/phone.yaml`). */
  entry: string,
  /** The config folder being checked, for a check that looks at another data set. */
  configDir: string,
) => Array<{ path: Array<string | number>; message: string }>;

export const formatProblem = (p: ConfigProblem) =>
  `${p.file}:${p.line}:${p.column} ${p.field}: ${p.message}`;

/** A data file that does not parse or does not match its schema: the boot stops on it. */
export class ConfigFileError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `The operator data in config/ is not valid (fix it and start again):\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'ConfigFileError';
  }
}

/** The package root (the folder holding package.json), from src/ or from dist/src/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above src/config');
    dir = up;
  }
  return dir;
}

/** The top-level `config/` folder. */
export const CONFIG_DIR = join(packageRoot(), 'config');

/** Where a data set's file is, whichever of the accepted extensions it has. */
export function dataFile(name: string, dir = CONFIG_DIR): string {
  for (const ext of EXTENSIONS) {
    const path = join(dir, `${name}${ext}`);
    if (existsSync(path)) return path;
  }
  return join(dir, `${name}.yaml`);
}

// `discriminator`: a list of checks of several kinds reports the errors of the kind written only.
const ajv = new Ajv({ allErrors: true, strict: true, discriminator: true });
const validators = new Map<string, ValidateFunction>();

function validatorFor(name: string, dir: string): ValidateFunction {
  const path = join(dir, 'schemas', `${name}.schema.json`);
  const key = path;
  let validate = validators.get(key);
  if (!validate) {
    // Without its $id: the same schema may be read from another folder (a test's copy).
    const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    delete schema.$id;
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

/** The node a JSON pointer names, and the node where it is written (its key, for a map entry). */
function nodeAt(root: unknown, segments: string[]): { node: unknown; at: Node | null } {
  let node: unknown = root;
  let at: Node | null = isMap(root) || isSeq(root) ? root : null;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg,
      );
      if (!pair) break;
      at = (pair.key as Node) ?? at;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) break;
      node = item;
      at = (item as Node) ?? at;
    } else break;
  }
  return { node, at };
}

const pointer = (path: string) =>
  path === ''
    ? []
    : path
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

function describe(e: ErrorObject): { segments: string[]; message: string } {
  // A key refused by `propertyNames` is the field at fault, not the object holding it.
  const segments = [...pointer(e.instancePath), ...(e.propertyName ? [e.propertyName] : [])];
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') {
    return {
      segments: [...segments, String(params.missingProperty)],
      message: 'is required',
    };
  }
  if (e.keyword === 'additionalProperties') {
    return {
      segments: [...segments, String(params.additionalProperty)],
      message: 'is not a known field (a typo?)',
    };
  }
  if (e.keyword === 'enum') {
    return {
      segments,
      message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
    };
  }
  return { segments, message: e.message ?? e.keyword };
}

/**
 * Reads one data file and checks it against a schema: its content, or the problems with their
 * lines. YAML and JSON are read by the same parser (JSON is YAML), so both get line numbers.
 */
export function checkDataFile(
  path: string,
  validate: ValidateFunction,
  root = packageRoot(),
  check?: DataCheck,
  configDir = CONFIG_DIR,
): { data: unknown; problems: ConfigProblem[] } {
  const file = relative(root, path) || path;
  if (!existsSync(path)) {
    return {
      data: undefined,
      problems: [{ file, line: 1, column: 1, field: '(file)', message: 'the file is missing' }],
    };
  }
  const text = readFileSync(path, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      data: undefined,
      problems: doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0].line ?? 1,
        column: e.linePos?.[0].col ?? 1,
        field: '(file)',
        message: e.message.split('\n')[0],
      })),
    };
  }
  const data: unknown = doc.toJS();
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  const add = (segments: string[], message: string, locate = segments) => {
    const { at } = nodeAt(doc.contents, locate);
    const pos = lines.linePos(at?.range?.[0] ?? 0);
    const problem = {
      file,
      line: pos.line,
      column: pos.col,
      field: segments.length > 0 ? segments.join('.') : '(file)',
      message,
    };
    const key = formatProblem(problem);
    if (!seen.has(key)) problems.push(problem);
    seen.add(key);
  };
  if (!validate(data)) {
    // `propertyNames` also reports its wrapper ("property name must be valid"): keep the cause.
    for (const e of (validate.errors ?? []).filter((e) => e.keyword !== 'propertyNames')) {
      const { segments, message } = describe(e);
      // For a missing field, point at the object that lacks it.
      add(segments, message, e.keyword === 'required' ? segments.slice(0, -1) : segments);
    }
    return { data: undefined, problems };
  }
  const entry = basename(path, extname(path));
  for (const p of check?.(data as never, entry, configDir) ?? []) {
    add(p.path.map(String), p.message);
  }
  return problems.length > 0 ? { data: undefined, problems } : { data, problems: [] };
}

/** The files of a folder data set, by name, with the accepted extensions. */
export function dataFolderFiles(name: string, dir = CONFIG_DIR): string[] {
  const folder = join(dir, name);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  return readdirSync(folder)
    .filter((f) => EXTENSIONS.includes(extname(f)))
    .sort()
    .map((f) => join(folder, f));
}

const loaded = new Map<string, unknown>();
const checks = new Map<OperatorDataSet | OperatorDataFolder, DataCheck>();

/**
 * Adds the checks beyond the schema for a data set (registered by the module that owns the
 * engine, beside its loader), so the boot and the test run them too.
 */
export function registerDataCheck(
  name: OperatorDataSet | OperatorDataFolder,
  check: DataCheck,
): void {
  checks.set(name, check);
}

/**
 * One data set, checked against its schema and `check` (read once, then kept). Throws
 * ConfigFileError with the file, line and field when it is not valid. The module that owns the
 * engine loads its data set when it is imported, so a broken file stops the boot.
 */
export function operatorData<T>(name: OperatorDataSet, check?: DataCheck, dir = CONFIG_DIR): T {
  if (check) registerDataCheck(name, check);
  const path = dataFile(name, dir);
  if (!loaded.has(path)) {
    const { data, problems } = checkDataFile(
      path,
      validatorFor(name, dir),
      packageRoot(),
      checks.get(name),
      dir,
    );
    if (problems.length > 0) throw new ConfigFileError(problems);
    loaded.set(path, data);
  }
  return loaded.get(path) as T;
}

/** A folder data set's problems: each file's, or one for a folder that is missing or empty. */
function checkDataFolder(name: OperatorDataFolder, dir: string): ConfigProblem[] {
  const files = dataFolderFiles(name, dir);
  if (files.length === 0) {
    const folder = relative(packageRoot(), join(dir, name)) || name;
    return [
      { file: folder, line: 1, column: 1, field: '(file)', message: 'no .yaml or .json file here' },
    ];
  }
  return files.flatMap(
    (path) =>
      checkDataFile(path, validatorFor(name, dir), packageRoot(), checks.get(name), dir).problems,
  );
}

/**
 * A folder data set: each file's content, in file name order, checked against the folder's
 * schema and `check` (read once, then kept). Throws ConfigFileError naming every problem.
 */
export function operatorDataFolder<T>(
  name: OperatorDataFolder,
  check?: DataCheck,
  dir = CONFIG_DIR,
): Array<{ entry: string; data: T }> {
  if (check) registerDataCheck(name, check);
  const files = dataFolderFiles(name, dir);
  if (files.length === 0) throw new ConfigFileError(checkDataFolder(name, dir));
  if (files.some((path) => !loaded.has(path))) {
    const results = files.map((path) => ({
      path,
      ...checkDataFile(path, validatorFor(name, dir), packageRoot(), checks.get(name), dir),
    }));
    const problems = results.flatMap((r) => r.problems);
    if (problems.length > 0) throw new ConfigFileError(problems);
    for (const r of results) loaded.set(r.path, r.data);
  }
  return files.map((path) => ({
    entry: basename(path, extname(path)),
    data: loaded.get(path) as T,
  }));
}

/** Every data set's problems (none when all are valid): what the boot and the test check. */
export function checkOperatorData(dir = CONFIG_DIR): ConfigProblem[] {
  return [
    ...OPERATOR_DATA_SETS.flatMap(
      (name) =>
        checkDataFile(
          dataFile(name, dir),
          validatorFor(name, dir),
          packageRoot(),
          checks.get(name),
          dir,
        ).problems,
    ),
    ...OPERATOR_DATA_FOLDERS.flatMap((name) => checkDataFolder(name, dir)),
  ];
}

/** Stops the boot when any data set is not valid, naming every problem. */
export function assertOperatorData(dir = CONFIG_DIR): void {
  const problems = checkOperatorData(dir);
  if (problems.length > 0) throw new ConfigFileError(problems);
}
