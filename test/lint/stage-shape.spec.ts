// One inner shape per stage (issue 20 point 1): in a converted stage, controllers and DTOs live
// in api/, entities and repositories in data/, machines and pure rules in domain/, one *.job.ts
// per job handler in handlers/, services and the module at the stage's root. A module registers
// each job handler with a one-line delegation to its handler's run(). A stage joins SHAPED_STAGES
// in the change that converts it, and is never taken out.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';

const SHAPED_STAGES = [
  'recycling',
  'refurbishment',
  'support',
  'logistics',
  'acquisition',
  'grading',
  'erasure',
  'vehicles',
  'tracking',
  'resale',
  'photos',
];

const root = join(import.meta.dirname, '..', '..');
const FOLDERS = ['api', 'data', 'domain', 'handlers'];

function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

/** Where a file of a stage must live, or null where the shape does not say. */
function folderFor(file: string, text: string): string | null {
  const name = file.split('/').pop()!;
  if (name.endsWith('.spec.ts')) return null; // a test sits beside what it tests
  if (name.endsWith('.controller.ts') || text.includes('@Controller(')) return 'api';
  if (name.endsWith('.dto.ts')) return 'api';
  if (/\.(entity|entities|repository)\.ts$/.test(name)) return 'data';
  if (name.endsWith('.machine.ts') || text.includes('defineMachine(')) return 'domain';
  if (name.endsWith('.job.ts')) return 'handlers';
  return null;
}

/** Problems with where a stage's files are. */
function placementProblems(stage: string): string[] {
  const dir = join(root, 'src', stage);
  const problems: string[] = [];
  for (const file of filesOf(dir)) {
    const parts = file.split('/');
    const folder = parts.length > 1 ? parts[0] : null;
    if (folder !== null && !FOLDERS.includes(folder)) {
      problems.push(`${stage}/${file}: a stage has only ${FOLDERS.join('/, ')}/ inside it`);
      continue;
    }
    const want = folderFor(file, readFileSync(join(dir, file), 'utf8'));
    if (want !== null && folder !== want) problems.push(`${stage}/${file}: belongs in ${want}/`);
    if (folder === 'handlers' && !file.endsWith('.job.ts') && !file.endsWith('.spec.ts')) {
      problems.push(`${stage}/${file}: handlers/ holds one *.job.ts per job handler`);
    }
  }
  return problems;
}

/**
 * Problems with a module's registrations: any `.register(…)` given a function must be handed a
 * one-line delegation `(p, ctx) => this.<handler>.run(p, ctx)`; the work lives in handlers/.
 */
function registrationProblems(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const problems: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'register'
    ) {
      for (const arg of node.arguments) {
        if (!ts.isArrowFunction(arg) && !ts.isFunctionExpression(arg)) continue;
        const body = arg.body;
        const delegates =
          ts.isArrowFunction(arg) &&
          !ts.isBlock(body) &&
          ts.isCallExpression(body) &&
          ts.isPropertyAccessExpression(body.expression) &&
          body.expression.name.text === 'run' &&
          ts.isPropertyAccessExpression(body.expression.expression) &&
          body.expression.expression.expression.kind === ts.SyntaxKind.ThisKeyword;
        if (!delegates) {
          const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          problems.push(
            `${fileName}:${line}: register a handler as (p, ctx) => this.<job>.run(p, ctx)`,
          );
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

describe('one inner shape per stage', () => {
  it.each(SHAPED_STAGES)('%s keeps api/, data/, domain/ and handlers/', (stage) => {
    expect(placementProblems(stage)).toEqual([]);
  });

  it.each(SHAPED_STAGES)('%s registers each job handler by a one-line delegation', (stage) => {
    const dir = join(root, 'src', stage);
    const modules = filesOf(dir).filter((f) => f.endsWith('.module.ts'));
    expect(modules.length).toBeGreaterThan(0);
    const problems = modules.flatMap((f) =>
      registrationProblems(`${stage}/${f}`, readFileSync(join(dir, f), 'utf8')),
    );
    expect(problems).toEqual([]);
  });

  it('catches a handler written inline in a module, and lets a delegation through', () => {
    const inline = [
      'class M {',
      '  onModuleInit() {',
      '    this.jobs.register(Def, async (payload) => {',
      '      await this.pickups.schedule(payload);',
      '    });',
      '    this.jobs.register(Other, (payload) => this.pickups.cancel(payload));',
      '    this.jobs.register(Third, (p, ctx) => this.third.run(p, ctx));',
      '    this.machines.register(SomeMachine);',
      "    this.photoSubjects.register('case', SomeAccess);",
      '  }',
      '}',
    ].join('\n');
    expect(registrationProblems('x.module.ts', inline)).toEqual([
      'x.module.ts:3: register a handler as (p, ctx) => this.<job>.run(p, ctx)',
      'x.module.ts:6: register a handler as (p, ctx) => this.<job>.run(p, ctx)',
    ]);
  });
});
