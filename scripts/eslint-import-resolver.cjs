// The import resolver eslint-plugin-boundaries uses to find which folder an import points to.
// Sources import their siblings as `./x.js` (Node ESM, see tsconfig "module": "nodenext"), while
// the file on disk is `x.ts`; Node's own resolver cannot see that, so relative imports are mapped
// here. Packages resolve the ordinary way (they are outside src/ and no boundary applies to them).
const { existsSync, statSync } = require('node:fs');
const { isBuiltin } = require('node:module');
const path = require('node:path');

exports.interfaceVersion = 2;

exports.resolve = function resolve(source, file) {
  if (isBuiltin(source)) return { found: true, path: null };
  if (!source.startsWith('.')) {
    try {
      return { found: true, path: require.resolve(source, { paths: [path.dirname(file)] }) };
    } catch {
      return { found: false };
    }
  }
  const target = path.resolve(path.dirname(file), source);
  const stem = target.replace(/\.(js|jsx|mjs)$/, '');
  const candidates = [`${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, target, `${target}/index.ts`];
  const found = candidates.find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile(),
  );
  return found ? { found: true, path: found } : { found: false };
};
