#!/usr/bin/env node
// Bundles the compiled CLI and the spawner into dist/bundle/ (what bin/orchestrate.cjs
// runs), one CommonJS file each, and records V8's compiled code of the CLI
// (main.cjs) after a small real run, for src/cli/start-bundle.cts to start from
// (main-<build id>.cache).
// - Loading ~70 small modules cost ~10 ms of every start; one file costs less.
// - CommonJS, not ES modules: V8 can take a CommonJS file's compiled code from a
//   cache (vm.Script's cachedData), which saves ~30 ms of every start here; ES
//   modules have no such hook in Node 20, and their loader costs ~10 ms more.
// - Small pure-JS packages every command loads (commander, js-yaml, better-sqlite3's
//   JavaScript) and the precompiled schema validators are bundled in; the native
//   SQLite module and the large packages only some paths load stay in node_modules.
// The library (dist/index.js) stays as tsc wrote it.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/bundle`;
rmSync(out, { recursive: true, force: true });
// Names this build: the CLI's start (src/cli/start-bundle.cts) takes compiled code only from the cache of the same build.
const buildId = randomUUID();

/**
 * Modules the compiled code requires in a way esbuild cannot follow (a path
 * computed at run time, or createRequire's require), put in the bundle so that
 * V8's code cache holds them too: each replaces an expression of one file
 * with an import. The build fails if that expression is gone.
 */
const IN_BUNDLE = [
  // The standalone validators, absent when the sources run (~7 ms of a start).
  { file: 'workflow/schema.js', expression: 'existsSync(PRECOMPILED) ? require(fileURLToPath(PRECOMPILED)) : undefined', module: './validators.generated.cjs' },
  // better-sqlite3's JavaScript, a dozen files (~4 ms of a start that opens the history); its native module is found at run time.
  { file: 'store/load-sqlite.js', expression: "require('better-sqlite3')", module: 'better-sqlite3' },
];

const inBundle = {
  name: 'in-bundle',
  setup(build) {
    for (const [n, { file, expression, module }] of IN_BUNDLE.entries()) {
      // dist/<file>, with / or \ between the names (Windows).
      const filter = new RegExp(`[\\\\/]${['dist', ...file.split('/')].map((part) => part.replaceAll('.', '\\.')).join('[\\\\/]')}$`);
      build.onLoad({ filter }, ({ path }) => {
        const text = readFileSync(path, 'utf8');
        if (!text.includes(expression)) throw new Error(`${path} no longer has \`${expression}\`: update IN_BUNDLE in scripts/bundle.mjs`);
        const name = `__orchestrateInBundle${n}`;
        return { contents: `import ${name} from '${module}';\n${text.replace(expression, name)}`, resolveDir: dirname(path), loader: 'js' };
      });
    }
  },
};
await build({
  entryPoints: [`${root}dist/cli/main.js`, `${root}dist/run/spawner/spawner-main.js`],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // bindings: better-sqlite3's loader of its native module, which the CLI does without (see store/load-sqlite).
  external: ['ajv', 'listr2', 'cosmiconfig', 'bindings'],
  // import.meta has no CommonJS form: the code asks for its own file's URL to find what lies beside it.
  // The build's id, for what the CLI keeps between runs of one build (src/cli/build-id.ts).
  define: { 'import.meta.url': '__orchestrateFileUrl', __ORCHESTRATE_BUILD__: JSON.stringify(buildId) },
  banner: { js: `// orchestrate build ${buildId}\nconst __orchestrateFileUrl = require('node:url').pathToFileURL(__filename).href;` },
  outdir: out,
  outExtension: { '.js': '.cjs' },
  entryNames: '[name]',
  plugins: [inBundle],
  sourcemap: true,
  logLevel: 'warning',
});

// The code cache: a real run of a small workflow (loading, validation, planning,
// the engine, a spawner, the history, the summary) compiles what most commands
// use; the CLI's start writes what V8 compiled when told where. Without
// it (this run failed), the CLI works the same, compiling at every start.
const cache = `${out}/main-${buildId}.cache`;
let work;
try {
  work = mkdtempSync(join(tmpdir(), 'orchestrate-build-'));
  // A project of its own: its run directory and any config file search stay in it.
  writeFileSync(join(work, 'package.json'), '{}\n');
  writeFileSync(join(work, 'warm-up.yaml'), [
    'version: 1',
    'tasks:',
    '  first:',
    '    run: echo "n=1" >> "$ORCHESTRATE_OUTPUT"',
    '  second:',
    '    needs: [first]',
    '    run: echo ${{ tasks.first.outputs.n }}',
    '',
  ].join('\n'));
  // V8 takes a cache only under the flags it was made with: Node's own, not a NODE_OPTIONS of this build's.
  const env = { ...process.env, ORCHESTRATE_WRITE_CODE_CACHE: cache, CI: 'true', NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  const run = spawnSync(process.execPath, [`${root}bin/orchestrate.cjs`, 'run', 'warm-up.yaml', '--state', join(work, 'state.db')], {
    cwd: work,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0 || !existsSync(cache)) throw new Error(`the warm-up run ended ${run.status ?? run.signal}${run.stderr ? `: ${run.stderr.trim()}` : ''}`);
} catch (error) {
  console.warn(`bundle: no code cache (${error.message}); the CLI compiles at every start instead`);
  rmSync(cache, { force: true });
} finally {
  if (work) rmSync(work, { recursive: true, force: true });
}
