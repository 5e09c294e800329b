// The data layer's ratchet (issue 20 point 1): in a converted stage every query lives in its
// repositories under src/<stage>/data/; its services, handlers, machines and controllers never
// touch the ORM. A stage is added to DATA_LAYER_STAGES once it is converted, never removed.
// test/lint/data-layer.spec.ts checks that the rule still catches a service reaching the ORM.

/** The stages whose ORM calls all live in src/<stage>/data/. */
export const DATA_LAYER_STAGES = [
  'recycling',
  'logistics',
  'refurbishment',
  'support',
  'photos',
  'tracking',
  'vehicles',
  'resale',
  'valuation',
  'service-areas',
  'catalog',
  'acquisition',
  'grading',
  'erasure',
  'credentials',
  'money',
  'auth',
  'station',
  'notifications',
  'accounts',
];

const MESSAGE = 'Query through a repository in src/<stage>/data/ (issue 20 point 1).';

/** Calls that reach the database: a repository, a query builder, raw SQL. */
const ORM_CALLS = ['getRepository', 'getTreeRepository', 'createQueryBuilder', 'query'];

/** An EntityManager's own reads and writes, on the names a manager goes by in this code base. */
const MANAGER_METHODS =
  'find|findBy|findOne|findOneBy|findOneOrFail|findOneByOrFail|findAndCount|findAndCountBy|exists|existsBy|count|countBy|sum|insert|update|upsert|save|remove|delete|increment|decrement|softDelete';
const MANAGER_NAMES = 'm|mm|em|tx|trx|manager|entityManager';

export default [
  {
    files: DATA_LAYER_STAGES.map((stage) => `src/${stage}/**/*.ts`),
    ignores: DATA_LAYER_STAGES.map((stage) => `src/${stage}/data/**`),
    rules: {
      'no-restricted-syntax': [
        'error',
        ...ORM_CALLS.map((name) => ({
          selector: `CallExpression[callee.property.name='${name}']`,
          message: `${name}() outside data/: ${MESSAGE}`,
        })),
        {
          selector: `CallExpression[callee.property.name=/^(${MANAGER_METHODS})$/][callee.object.name=/^(${MANAGER_NAMES})$/]`,
          message: `An EntityManager call outside data/: ${MESSAGE}`,
        },
        {
          selector: `CallExpression[callee.property.name=/^(${MANAGER_METHODS})$/][callee.object.property.name=/^(manager|dataSource)$/]`,
          message: `An EntityManager call outside data/: ${MESSAGE}`,
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/core/sql.js'],
              message: `findById, findByIds and execute are the repositories' tools: ${MESSAGE}`,
            },
          ],
        },
      ],
    },
  },
];
