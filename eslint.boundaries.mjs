// Import rules between the folders of src/ (docs/architecture.md, "Layers"), held by
// eslint-plugin-boundaries. Each folder is an element; a folder may import the folders of the
// layers below its own, plus the few same-layer edges listed, and nothing else. Because imports
// only go down (or along a listed, one-way edge), no cycle between folders can form.
import { fileURLToPath } from 'node:url';
import boundaries from 'eslint-plugin-boundaries';

/** Top to bottom. A folder imports only folders of later layers (and SAME_LAYER edges). */
export const LAYERS = {
  // The process shell: HTTP server set-up, ops port, queue dashboard, health.
  platform: ['platform'],
  // Stage modules: each owns one part of an item's life. A stage never imports another stage.
  stage: [
    'acquisition',
    'logistics',
    'erasure',
    'grading',
    'refurbishment',
    'recycling',
    'resale',
    'vehicles',
    'tracking',
    'support',
  ],
  // Reference modules: data and pure computations the stages consult; they move no item.
  reference: ['catalog', 'service-areas', 'valuation'],
  // Shared services any stage may call: payments and ledger, messages to owners, photos,
  // verifiable credentials.
  shared: ['money', 'notifications', 'photos', 'credentials'],
  identity: ['accounts', 'auth'],
  core: ['core'],
  foundation: ['config', 'database'],
};

/** Imports allowed inside one layer: one way only, so they cannot form a cycle. */
const SAME_LAYER = [
  ['valuation', 'catalog'], // a price depends on the category, never the other way round
  ['money', 'notifications'], // a payout tells its owner
  ['accounts', 'auth'], // sign-in and sessions use the token service
  ['database', 'config'],
];

/**
 * Edges that break the rules above. Empty since issue 20 point 2 moved the last four away (see
 * docs/decisions.md, "Import boundaries held by lint"). Adding one needs a decision there first:
 * it is a stage importing a stage or a module importing one above it, which a port in
 * core/read-models/ or a move down a layer usually avoids.
 *
 * @type {Array<[from: string, to: string]>}
 */
export const KNOWN_VIOLATIONS = [];

const folders = Object.values(LAYERS).flat();
const belowPlatform = folders.filter((folder) => folder !== 'platform');

/** What each folder may import: every folder of the layers below, plus the listed edges. */
function allowedTargets(folder) {
  const layers = Object.values(LAYERS);
  const own = layers.findIndex((layer) => layer.includes(folder));
  const below = layers.slice(own + 1).flat();
  const along = [...SAME_LAYER, ...KNOWN_VIOLATIONS]
    .filter(([from]) => from === folder)
    .map(([, to]) => to);
  return [...below, ...along];
}

export default [
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': {
        [fileURLToPath(new URL('./scripts/eslint-import-resolver.cjs', import.meta.url))]: {},
      },
      'boundaries/elements': [
        ...folders.map((folder) => ({
          type: folder,
          pattern: `src/${folder}`,
          partialMatch: false,
        })),
        // A separate process on the wiping station: it runs erasure's engine, nothing else.
        { type: 'station', pattern: 'src/station', partialMatch: false },
      ],
      // The Redis connection is foundation (auth keeps session state in Redis), while the rest of
      // platform/ is the process shell above the stages.
      'boundaries/files': [
        { category: 'redis-connection', pattern: 'src/platform/redis.provider.ts' },
      ],
      // Exempt: the composition root and the demo seed necessarily import every module (the seed
      // steps live beside their modules as <module>.seed.ts but belong to the seed program).
      'boundaries/ignore': [
        'src/main.ts',
        'src/bootstrap.ts',
        'src/app.module.ts',
        'src/*.spec.ts',
        'src/seed/**',
        'src/**/*.seed.ts',
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            ...folders.map((folder) => ({
              from: { element: { type: folder } },
              allow: { to: { element: { types: { anyOf: allowedTargets(folder) } } } },
            })),
            {
              from: { element: { types: { anyOf: belowPlatform } } },
              allow: {
                to: { element: { type: 'platform' }, file: { categories: 'redis-connection' } },
              },
            },
            {
              from: { element: { type: 'station' } },
              allow: { to: { element: { types: { anyOf: ['erasure', 'config'] } } } },
            },
          ],
        },
      ],
    },
  },
];
