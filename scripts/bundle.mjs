#!/usr/bin/env node
// Bundles the compiled CLI and the spawner into dist/bundle/ (what bin/orchestrate.js
// runs): one file per entry plus shared chunks for what commands load on demand.
// Loading ~70 small modules cost ~10 ms of every start; the library (dist/index.js)
// stays as tsc wrote it. Small pure-JS packages every command loads (commander,
// js-yaml) are bundled in too (~3 ms less per start); the native SQLite binding
// and the large packages only some paths load stay in node_modules. Bundled
// CommonJS code gets a `require` for Node's built-in modules.
import { copyFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/bundle`;
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [`${root}dist/cli/main.js`, `${root}dist/run/spawner/spawner-main.js`],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'ajv', 'listr2', 'cosmiconfig'],
  banner: { js: "import { createRequire as __orchestrateRequire } from 'node:module'; const require = __orchestrateRequire(import.meta.url);" },
  outdir: out,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  sourcemap: true,
  logLevel: 'warning',
});
// Read beside the code that loads it (import.meta.url), as in dist/workflow/.
copyFileSync(`${root}dist/workflow/validators.generated.cjs`, `${out}/validators.generated.cjs`);
