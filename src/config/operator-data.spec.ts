import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  CONFIG_DIR,
  checkOperatorData,
  ConfigFileError,
  formatProblem,
  operatorData,
} from './operator-data.js';

/** A copy of config/ to break. */
function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reloop-config-'));
  cpSync(CONFIG_DIR, dir, { recursive: true });
  return dir;
}

/** A copy of config/ with one file changed by `edit`, and the 1-based line of a text in it. */
function withEdited(file: string, edit: (text: string) => string) {
  const dir = copy();
  const path = join(dir, file);
  const text = edit(readFileSync(path, 'utf8'));
  writeFileSync(path, text);
  const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  return { dir, lineOf };
}

describe('operator data in config/ (issue 20 point 4)', () => {
  it('the shipped files are all valid', () => {
    expect(checkOperatorData().map(formatProblem)).toEqual([]);
  });

  it('a wrong value names the file, its line and the field', () => {
    const { dir, lineOf } = withEdited('service-areas.yaml', (text) =>
      text.replace('capacity: 240', 'capacity: -5'),
    );
    const problems = checkOperatorData(dir).map(formatProblem);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        `service-areas\\.yaml:${lineOf('capacity: -5')}:\\d+ areas\\.0\\.windows\\.0\\.capacity: must be >= 0`,
      ),
    );
  });

  it('a missing field, a typo and broken YAML are each found with their line', () => {
    const { dir, lineOf } = withEdited('repair-costs.yaml', (text) =>
      text.replace('baseMinor: 300, ', '').replace('default: digital', 'defualt: digital'),
    );
    const problems = checkOperatorData(dir).map(formatProblem);
    expect(problems.find((p) => p.includes('families.books.baseMinor'))).toMatch(
      new RegExp(
        `repair-costs\\.yaml:${lineOf('books:')}:\\d+ families\\.books\\.baseMinor: is required`,
      ),
    );
    expect(problems.find((p) => p.includes('defualt'))).toMatch(
      new RegExp(`repair-costs\\.yaml:${lineOf('defualt')}:1 defualt: is not a known field`),
    );
    const policies = join(dir, 'erasure-policies.yaml');
    writeFileSync(policies, 'policies:\n  - id: nist-clear\n    name: [unclosed\n');
    const broken = checkOperatorData(dir).filter((p) => p.file.endsWith('erasure-policies.yaml'));
    expect(broken.length).toBeGreaterThan(0);
    expect(broken[0]).toMatchObject({ field: '(file)' });
    expect(broken[0].line).toBeGreaterThanOrEqual(3);
  });

  it('checks beyond the schema point at the field too, and loading a broken set throws', () => {
    const { dir, lineOf } = withEdited('organisations.yaml', (text) =>
      text.replace('organisation: merchant-jade', 'organisation: merchant-nowhere'),
    );
    const line = lineOf('merchant-nowhere');
    let thrown: unknown;
    try {
      operatorData(
        'organisations',
        (file: { users: Array<{ organisation?: string }> }) =>
          file.users.flatMap((u, i) =>
            u.organisation === 'merchant-nowhere'
              ? [{ path: ['users', i, 'organisation'], message: 'names no organisation' }]
              : [],
          ),
        dir,
      );
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigFileError);
    const [problem] = (thrown as ConfigFileError).problems;
    expect(problem).toMatchObject({
      line,
      field: expect.stringMatching(/^users\.\d+\.organisation$/),
    });
    expect((thrown as ConfigFileError).message).toContain(`organisations.yaml:${line}:`);
  });

  it('a key its schema refuses is named itself, with its own line (regional factors)', () => {
    const { dir, lineOf } = withEdited('regional-factors.yaml', (text) =>
      text.replace('沪: 1.03', 'SH: 1.03').replace('黑: 0.95', '黑: 9.5'),
    );
    const problems = checkOperatorData(dir).map(formatProblem);
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(`regional-factors\\.yaml:${lineOf('SH:')}:3 vehicles\\.SH: must be one of "京"`),
      ),
      expect.stringMatching(
        new RegExp(
          `regional-factors\\.yaml:${lineOf('9.5')}:\\d+ vehicles\\.黑: must be <= 1\\.5$`,
        ),
      ),
    ]);
  });
});
