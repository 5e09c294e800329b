// The import rules between src/ folders (eslint.boundaries.mjs) are part of `npm run lint`: these
// tests fail if the rule stops being applied, stops catching a cross-stage import, or a new src/
// folder escapes it by not being classified.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import boundaries, { KNOWN_VIOLATIONS, LAYERS } from '../../eslint.boundaries.mjs';

const root = join(import.meta.dirname, '..', '..');

// The repository's boundary rules with the TypeScript parser, without the type-aware rules (which
// need the fixture files on disk, in the TypeScript project).
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...boundaries,
  ],
});

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('import boundaries between src/ folders', () => {
  it('is an error in the repository lint config for source files', async () => {
    const config = (await new ESLint({ cwd: root }).calculateConfigForFile(
      join(root, 'src/recycling/recycling.service.ts'),
    )) as { rules: Record<string, unknown[]> };
    expect(config.rules['boundaries/dependencies']?.[0]).toBe(2);
  });

  it('refuses a stage importing another stage', async () => {
    const errors = await boundaryErrors(
      'src/recycling/cross-stage.fixture.ts',
      "import { ListingMachine } from '../resale/domain/resale.machines.js';\nexport const m = ListingMachine;\n",
    );
    expect(errors).toEqual([
      'boundaries/dependencies: There is no policy allowing dependencies from elements of type "recycling" to elements of type "resale"',
    ]);
  });

  it('refuses a reference module importing a stage, and core importing a module above it', async () => {
    expect(
      await boundaryErrors(
        'src/valuation/reference.fixture.ts',
        "import { PickupMachine } from '../logistics/domain/pickup.machine.js';\nexport const m = PickupMachine;\n",
      ),
    ).toHaveLength(1);
    expect(
      await boundaryErrors(
        'src/core/core.fixture.ts',
        "import { CatalogService } from '../catalog/catalog.service.js';\nexport const s = CatalogService;\n",
      ),
    ).toHaveLength(1);
  });

  it('lets a stage import core, config, auth and the reference modules', async () => {
    const errors = await boundaryErrors(
      'src/recycling/allowed.fixture.ts',
      [
        "import { SYSTEM_ACTOR } from '../core/actor.js';",
        "import { APP_CONFIG } from '../config/config.module.js';",
        "import { TokenService } from '../auth/token.service.js';",
        "import { CatalogService } from '../catalog/catalog.service.js';",
        'export const all = [SYSTEM_ACTOR, APP_CONFIG, TokenService, CatalogService];',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
  });

  it('lists no edge that breaks the layers (issue 20 point 2)', () => {
    expect(KNOWN_VIOLATIONS).toEqual([]);
  });

  it('refuses the edges the grading standards once needed', async () => {
    const refused = (from: string, to: string) =>
      `boundaries/dependencies: There is no policy allowing dependencies from elements of type "${from}" to elements of type "${to}"`;
    expect(
      await boundaryErrors(
        'src/grading/edge.fixture.ts',
        "import { VehiclesService } from '../vehicles/vehicles.service.js';\nexport const s = VehiclesService;\n",
      ),
    ).toEqual([refused('grading', 'vehicles')]);
    expect(
      await boundaryErrors(
        'src/catalog/edge.fixture.ts',
        "import { GradingSettingsService } from '../grading/grading-settings.service.js';\nexport const s = GradingSettingsService;\n",
      ),
    ).toEqual([refused('catalog', 'grading')]);
    expect(
      await boundaryErrors(
        'src/refurbishment/edge.fixture.ts',
        "import { DEFAULT_CALIBRATION_RATE } from '../grading/domain/calibration.js';\nexport const r = DEFAULT_CALIBRATION_RATE;\n",
      ),
    ).toEqual([refused('refurbishment', 'grading')]);
  });

  it('lets every stage use the grading standards and the condition checklist in catalog', async () => {
    for (const stage of ['grading', 'refurbishment', 'vehicles']) {
      const errors = await boundaryErrors(
        `src/${stage}/standards.fixture.ts`,
        [
          "import { computeGrade } from '../catalog/standards/grade-engine.js';",
          "import { conditionReport } from '../catalog/standards/vehicle-condition.js';",
          'export const all = [computeGrade, conditionReport];',
          '',
        ].join('\n'),
      );
      expect(errors).toEqual([]);
    }
  });

  it('classifies every folder of src/', () => {
    const classified = new Set([...Object.values(LAYERS).flat(), 'station', 'seed']);
    const folders = readdirSync(join(root, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.filter((folder) => !classified.has(folder))).toEqual([]);
  });
});
