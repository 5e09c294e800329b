// Writes docs/reliability.md from the figures the reliability suites leave in
// test-results/reliability/ (faults: `npm run test:faults`; races, security, tamper evidence:
// part of `npm test`). Each section keeps the date, mode and versions of the run that made it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const DIR = 'test-results/reliability';
const records = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(`${DIR}/${f}`, 'utf8')))
  : [];

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const version = (name) => {
  try {
    return JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version;
  } catch {
    return 'n/a';
  }
};
let commit = 'n/a';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {
  // not a git checkout
}

const METHOD = `
## How the figures are made

**Faults** run against a throwaway PostgreSQL cluster (initdb in a temp dir, own port) and a
throwaway \`redis-server\` (own port, no persistence unless a test asks), never the shared servers.
The platform runs as real processes (\`node dist/src/main.js api|worker\`), killed with SIGKILL.

- *worker killed*: items with one SSD each, a StartErasure row per item written to the outbox in
  bulk; three workers; a random worker is killed at evenly spaced points of the progress and
  restarted. 2 % of wipes fail and are retried as delayed jobs. Lost = outbox rows not completed or
  failed, items without a wipe, wipes not finished. Duplicate = more than one valid certificate or
  succeeded wipe per medium.
- *redis restarted*: four clients stream \`POST /items/:id/start-erasure\` (with Idempotency-Key)
  while Redis is shut down (\`SHUTDOWN NOSAVE\`: it comes back empty) and later killed with
  SIGKILL. The API needs Redis for no write (rate limiting skips on error); the reconciler
  re-publishes what Redis lost; workers reconnect by themselves (restart count 0).
- *postgresql restarted*: the same stream while \`pg_ctl stop -m fast\` / start takes the database
  away for 3 s. Errors must fall inside the outage window (down → first 200 after it is back).
- *redis emptied*: finished jobs plus jobs delayed by tens of seconds; \`FLUSHALL\`; the reconciler
  must put back exactly the unfinished ones, and they still run no earlier than their time.
- *outbox crash points*: no hook in the platform. \`LOCK TABLE outbox IN SHARE MODE\`, held by the
  test, stops the API's INSERT into the outbox (inside its transaction) or the relay's
  \`UPDATE outbox SET published_at\` (after it has put the jobs in Redis); the process is then killed.
  "After commit, before publish" runs the API with no relay at all and kills it.

**Races**: every machine of \`StateMachineRegistry.all()\` gets rows in random states (made from the
table's own columns, CHECK lists and foreign keys, so new machines are covered without code);
rounds of 1–4 concurrent \`TransitionService.apply\` calls by random roles with the current or a
stale version. The model predicts 403 / 409 / a single winner; the row's state and version are
compared after every round. A guarded transition may refuse (409), never do anything else.

**Security**: the route table is the OpenAPI document joined with each handler's access rule.
Every route × every role and anonymous, with unknown ids and with objects owned by another user of
the same role (rows made as for the races, owned through their owner/organisation columns).
Forbidden fields: every JSON body schema × the listed fields it does not declare → 400 naming the
field. Fuzz: fast-check bodies, queries, headers, path parameters and content types (seed printed).
Tokens: alg none, wrong key, expired, wrong audience/issuer, edited claims, HS512, unknown role.
Login: five tries a minute per client address, counted in Redis across two API instances.

**Tamper evidence**: items with 2–4 history entries; about half are altered as superuser with
\`session_replication_role = replica\` (append-only triggers off): a field changed, a change with all
later hashes recomputed, an entry deleted, the last one deleted, two swapped, a forged entry
inserted, a well-formed entry appended. \`HistoryService.verify\` must flag every altered item and
no other.

## Fixes this suite led to

- Erasure: a worker killed mid-wipe left the wipe RUNNING under a 10-minute lease that outlived
  the RunErasure job's retries (about 2 minutes), so the job failed for good and the item was never
  certified (36 of 500 items in the first run). The lease is now 60 s and renewed while the station
  works (src/erasure/erasure-runs.service.ts).
- HTTP errors: a 404 on \`GET /certificates/:id/pdf\` became a 500 (the route's PDF content type
  was kept for the JSON error body); error bodies are now always sent as JSON. A NUL byte in a
  path or query value (PostgreSQL 22021) answered 500; it is now a 400
  (src/core/http/http-exception.filter.ts).
- PostgreSQL outage: requests caught by it answered 500; they now answer 503 with
  \`Retry-After\` (the client may retry). The full-size figures above predate this change; a
  short run after it reports \`errorStatuses\` 503.
`;

const SUITES = [
  ['faults', 'Faults (`npm run test:faults`)'],
  ['races', 'Races (part of `npm test`)'],
  ['security', 'Security (part of `npm test`)'],
  ['tamper', 'Tamper evidence (part of `npm test`)'],
];

const lines = [
  '# Reliability figures',
  '',
  'Written by `scripts/reliability-report.mjs` from the figures the suites print (see',
  '`test/faults/`, `test/races/`, `test/security/`); regenerate with `npm run test:faults`',
  '(full size; `-- --short` is the CI size) after `npm test`. What each test does and why is in',
  'the last section.',
  '',
  `Generated ${new Date().toISOString()} — reloop ${pkg.version} (commit ${commit}), Node ${process.versions.node}, ` +
    `NestJS ${version('@nestjs/core')}, BullMQ ${version('bullmq')}, TypeORM ${version('typeorm')}, ` +
    `fast-check ${version('fast-check')}.`,
  '',
];
for (const [suite, title] of SUITES) {
  const mine = records
    .filter((r) => r.suite === suite)
    .sort((a, b) => a.scenario.localeCompare(b.scenario));
  lines.push(`## ${title}`, '');
  if (mine.length === 0) {
    lines.push('_Not run yet on this checkout._', '');
    continue;
  }
  for (const r of mine) {
    const versions = Object.entries(r.versions ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(`### ${r.scenario}`, '');
    lines.push(
      `Run ${r.at} (${suite === 'faults' ? `${r.mode} size` : 'npm test'})${versions ? `; ${versions}` : ''}.`,
      '',
    );
    lines.push('| figure | value |', '| --- | --- |');
    for (const [k, v] of Object.entries(r.figures)) lines.push(`| ${k} | ${v} |`);
    lines.push('');
  }
}
lines.push(METHOD.trim(), '');
writeFileSync('docs/reliability.md', `${lines.join('\n')}\n`);
// Formatted like the rest of the docs (`npm run format:check`).
spawnSync('npx', ['prettier', '--write', 'docs/reliability.md'], { stdio: 'ignore' });
console.log(`docs/reliability.md: ${records.length} result(s)`);
