import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, tempProject } from '../helpers/cli.js';

/** The CLI's start, which bin/orchestrate.cjs calls (src/cli/start-bundle.cts). */
const START = join(ROOT, 'dist/cli/start-bundle.cjs');
const { MAX_RUNTIME_CACHES } = createRequire(import.meta.url)(START) as { MAX_RUNTIME_CACHES: number };
const WORKFLOW = 'version: 1\ntasks:\n  a:\n    run: env > env.txt\n';

/** A copy of the built package (bin and dist; node_modules linked) whose bundle and cache a test may break. */
function packageCopy(): string {
  const dir = tempProject({ 'package.json': readFileSync(join(ROOT, 'package.json'), 'utf8') });
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'schemas'), join(dir, 'schemas'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function runNode(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env } });
}

describe('start-up from the compiled code of the build', () => {
  it('ships a code cache of its own build that this Node accepts', () => {
    // In a plain Node process, as the CLI starts (a test runner's own flags could make V8 refuse it).
    const check = `
      const { readFileSync } = require('node:fs');
      const { MAIN, cacheFileOf, bundleScript } = require(${JSON.stringify(START)});
      const source = readFileSync(MAIN, 'utf8');
      const file = cacheFileOf(source);
      const script = bundleScript(source, readFileSync(file));
      console.log(JSON.stringify({ file, rejected: script.cachedDataRejected }));`;
    const r = runNode(['-e', check], ROOT);
    expect(r.stderr).toBe('');
    const { file, rejected } = JSON.parse(r.stdout) as { file: string; rejected: boolean };
    expect(file).toMatch(/dist[/\\]bundle[/\\]main-[0-9a-f-]{36}\.cache$/);
    expect(statSync(file).size).toBeGreaterThan(100_000);
    expect(rejected).toBe(false);
    // A cache of another build, for other source, would be refused by its name.
    expect(runNode(['-e', `console.log(require(${JSON.stringify(START)}).cacheFileOf('// other\\n'))`], ROOT).stdout.trim()).toBe('undefined');
  });

  it('works the same with a cache V8 refuses, with none, with source maps, and says when the CLI is not built', () => {
    const pkg = packageCopy();
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': WORKFLOW, 'orchestrate.config.mjs': 'export default { state: "elsewhere/state.db" };\n' });
    const bin = join(pkg, 'bin/orchestrate.cjs');
    const cache = readFileSync(join(pkg, 'dist/bundle/main.cjs'), 'utf8').split('\n')[0]!.replace('// orchestrate build ', 'main-') + '.cache';
    const runs = (args: string[] = []) => {
      const r = runNode([...args, bin, 'run', 'workflow.yaml'], dir);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('1 succeeded, 0 failed');
      // The JavaScript config was imported (an import() from the bundle's cached code).
      expect(statSync(join(dir, 'elsewhere/state.db')).isFile()).toBe(true);
      rmSync(join(dir, 'elsewhere'), { recursive: true });
    };
    runs();
    // Garbage where the cache was: V8 refuses it, and the code is compiled as usual.
    writeFileSync(join(pkg, 'dist/bundle', cache), 'not V8 code');
    runs();
    rmSync(join(pkg, 'dist/bundle', cache));
    runs();
    runs(['--enable-source-maps']);
    rmSync(join(pkg, 'dist/bundle/main.cjs'));
    const r = runNode([bin, 'run', 'workflow.yaml'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^orchestrate: the CLI is not built \(.*main\.cjs: ENOENT\): run npm install, or npm run build\n$/);
  });

  it('keeps a cache of its own for a runtime V8 refuses the build\'s under (V8 flags in NODE_OPTIONS), and starts from it next time', () => {
    const pkg = packageCopy();
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': WORKFLOW });
    const bundle = join(pkg, 'dist/bundle');
    const caches = () => readdirSync(bundle).filter((name) => name.endsWith('.cache')).sort();
    // Only the build's (the checkout's own runs may have kept some).
    for (const name of caches()) if (!/^main-[0-9a-f-]{36}\.cache$/.test(name)) rmSync(join(bundle, name));
    const built = caches();
    expect(built).toHaveLength(1);
    // A flag V8 refuses the build's cache under on Node 20 to 24 (Node 24's V8 no longer minds --max-old-space-size).
    const flags = { NODE_OPTIONS: '--stack-trace-limit=20' };
    const run = (env: NodeJS.ProcessEnv = {}) => {
      const r = runNode([join(pkg, 'bin/orchestrate.cjs'), 'run', 'workflow.yaml'], dir, env);
      expect([r.status, r.stderr]).toEqual([0, '']);
    };
    // Without flags the build's cache is taken: nothing is written.
    run();
    expect(caches()).toEqual(built);
    run(flags);
    const kept = caches().filter((name) => !built.includes(name));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/^main-[0-9a-f-]{36}-[0-9a-f]{14}\.cache$/);
    expect(kept[0]!.startsWith(built[0]!.replace(/\.cache$/, '-'))).toBe(true);
    // Under the same flags V8 takes it, and the start names it so (a script file: node -e has flags of its own).
    writeFileSync(join(dir, 'check.cjs'), `
      const { readFileSync } = require('node:fs');
      const { MAIN, cacheFileOf, bundleScript, runtimeCacheFileOf } = require(${JSON.stringify(join(pkg, 'dist/cli/start-bundle.cjs'))});
      const source = readFileSync(MAIN, 'utf8');
      const file = runtimeCacheFileOf(cacheFileOf(source));
      console.log(JSON.stringify({ file, rejected: bundleScript(source, readFileSync(file)).cachedDataRejected }));`);
    const check = runNode([join(dir, 'check.cjs')], dir, flags);
    expect(check.stderr).toBe('');
    expect(JSON.parse(check.stdout)).toEqual({ file: join(bundle, kept[0]!), rejected: false });
    // The next start under those flags takes it and writes nothing.
    const written = statSync(join(bundle, kept[0]!)).mtimeMs;
    run(flags);
    expect(statSync(join(bundle, kept[0]!)).mtimeMs).toBe(written);
    expect(caches()).toEqual([...built, ...kept].sort());
    // A NODE_OPTIONS that changes at every start keeps at most MAX_RUNTIME_CACHES of them, the newest; the build's stays.
    for (let n = 21; n <= 20 + MAX_RUNTIME_CACHES + 2; n++) run({ NODE_OPTIONS: `--stack-trace-limit=${n}` });
    const after = caches();
    expect(after).toHaveLength(1 + MAX_RUNTIME_CACHES);
    expect(after).toContain(built[0]);
    expect(after).not.toContain(kept[0]);
  });

  it('finds SQLite\'s native module where its own loader would, when it is not in build/Release', () => {
    const pkg = packageCopy();
    // node_modules as installed, but better-sqlite3's native module built elsewhere (a debug build).
    rmSync(join(pkg, 'node_modules'));
    mkdirSync(join(pkg, 'node_modules'));
    for (const name of readdirSync(join(ROOT, 'node_modules'))) {
      if (name !== 'better-sqlite3') symlinkSync(join(ROOT, 'node_modules', name), join(pkg, 'node_modules', name));
    }
    const sqlite = join(pkg, 'node_modules/better-sqlite3');
    mkdirSync(join(sqlite, 'build/Debug'), { recursive: true });
    cpSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), join(sqlite, 'package.json'));
    cpSync(join(ROOT, 'node_modules/better-sqlite3/lib'), join(sqlite, 'lib'), { recursive: true });
    cpSync(join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), join(sqlite, 'build/Debug/better_sqlite3.node'));
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': WORKFLOW });
    const r = runNode([join(pkg, 'bin/orchestrate.cjs'), 'run', 'workflow.yaml'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const history = runNode([join(pkg, 'bin/orchestrate.cjs'), 'history', '--json'], dir);
    expect(history.status).toBe(0);
    expect(JSON.parse(history.stdout)).toHaveLength(1);
  });

  it('writes the cache only where the build asks, and no task sees that request', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': WORKFLOW });
    const r = cli(['run', 'workflow.yaml'], { cwd: dir, env: { ORCHESTRATE_WRITE_CODE_CACHE: join(dir, 'written.cache') } });
    expect(r.code).toBe(0);
    expect(statSync(join(dir, 'written.cache')).size).toBeGreaterThan(100_000);
    const env = readFileSync(join(dir, 'env.txt'), 'utf8');
    expect(env).toContain('ORCHESTRATE_TASK_ID=a');
    expect(env).not.toContain('ORCHESTRATE_WRITE_CODE_CACHE');
  });
});
