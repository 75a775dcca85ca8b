/*
 * Starts the CLI bundle (dist/bundle/main.cjs, see scripts/bundle.mjs) from
 * the code V8 compiled for it at build time, when that cache belongs to this
 * very build and this Node's V8 accepts it (~35 ms less per start); else
 * compiles it as any CommonJS file. The CLI behaves the same either way.
 * CommonJS itself (.cts): bin/orchestrate.cjs requires it without Node's ES
 * module loader, which costs a start ~5 ms.
 */
import { accessSync, constants, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import vm = require('node:vm');
import { createRequire } from 'node:module';
import { prestartSpawners, startsTasks } from '../run/spawner/fork-spawner.cjs';

const BUNDLE = join(__dirname, '..', 'bundle');
export const MAIN = join(BUNDLE, 'main.cjs');

/** The cache of the build that wrote `source`: its id is the bundle's first line, and a cache of another build is code for other source. */
export function cacheFileOf(source: string): string | undefined {
  const id = /^\/\/ orchestrate build ([0-9a-f-]+)\n/.exec(source);
  return id ? join(BUNDLE, `main-${id[1]}.cache`) : undefined;
}

/**
 * The cache this runtime keeps for itself beside the build's, for when V8
 * refuses the build's: under another Node, or V8 flags in NODE_OPTIONS (on
 * Node 20 a `--max-old-space-size` is enough; ~30 ms more per start here). Named for the
 * build and for the runtime, so each Node and set of flags has its own.
 */
export function runtimeCacheFileOf(buildCache: string): string {
  return buildCache.replace(/\.cache$/, `-${shortHash(JSON.stringify([process.version, process.execArgv, process.env.NODE_OPTIONS ?? '']))}.cache`);
}

/** A short hash of `text` (cyrb53): node:crypto would cost every start its loading. */
function shortHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/** At most this many runtimes keep a cache beside the build's: a NODE_OPTIONS that changes at every start must not fill the disk. */
export const MAX_RUNTIME_CACHES = 4;

/**
 * Writes what V8 compiled in this process as the runtime's cache, whole or
 * not at all, and removes the oldest of other runtimes' beyond
 * MAX_RUNTIME_CACHES; a package directory this user cannot write keeps none.
 */
function keepRuntimeCache(file: string, script: vm.Script): void {
  const partial = `${file}.${process.pid}.partial`;
  try {
    // Asked first: serializing the code costs the exit of every start where it cannot be written.
    accessSync(BUNDLE, constants.W_OK);
    writeFileSync(partial, script.createCachedData());
    renameSync(partial, file);
    // The build's part of the name, up to the runtime's hash (runtimeCacheFileOf).
    const prefix = basename(file).slice(0, basename(file).lastIndexOf('-') + 1);
    const kept = readdirSync(BUNDLE).filter((name) => name.startsWith(prefix) && name.endsWith('.cache'))
      .map((name) => ({ name, at: statSync(join(BUNDLE, name)).mtimeMs })).sort((a, b) => b.at - a.at);
    for (const { name } of kept.slice(MAX_RUNTIME_CACHES)) rmSync(join(BUNDLE, name), { force: true });
  } catch {
    rmSync(partial, { force: true });
  }
}

/** The bundle as a script of one CommonJS function, from `cachedData` where V8 accepts it. */
export function bundleScript(source: string, cachedData?: Buffer): vm.Script {
  return new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: MAIN, cachedData });
}

export function startBundle(): void {
  let source: string;
  try {
    source = readFileSync(MAIN, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    process.stderr.write(`orchestrate: the CLI is not built (${MAIN}: ${code ?? message}): run npm install, or npm run build\n`);
    process.exit(2);
  }
  // Set by the build only (scripts/bundle.mjs): where to write the compiled code when this run ends.
  const writeTo = process.env.ORCHESTRATE_WRITE_CODE_CACHE;
  delete process.env.ORCHESTRATE_WRITE_CODE_CACHE;
  // A run's spawner starts now, not once the bundle is compiled: its own start then overlaps all of ours.
  if (startsTasks(process.argv)) prestartSpawners(join(BUNDLE, 'spawner-main.cjs'), 1);
  // --enable-source-maps maps stack traces of modules Node loads itself.
  if (process.sourceMapsEnabled) {
    require(MAIN);
    return;
  }
  let cachedData: Buffer | undefined;
  const buildCache = writeTo ? undefined : cacheFileOf(source);
  const runtimeCache = buildCache && runtimeCacheFileOf(buildCache);
  for (const file of runtimeCache ? [runtimeCache, buildCache] : []) {
    try {
      cachedData = readFileSync(file);
      break;
    } catch {
      // None for this runtime (the usual case), or none at all (the build's warm-up failed): compiled as usual.
    }
  }
  const script = bundleScript(source, cachedData);
  // Refused (another Node, V8 flags): what this run compiles is kept for the next start under the same runtime.
  if (runtimeCache && (cachedData === undefined || script.cachedDataRejected)) process.once('exit', () => keepRuntimeCache(runtimeCache, script));
  // An import() in a vm script has no loader to call (Node 20 has one only behind an experimental
  // warning, and not with cached code): the CLI imports a user's JavaScript config with this one.
  (globalThis as Record<symbol, unknown>)[Symbol.for('orchestrate.import')] = (url: string) => import(url);
  if (writeTo) process.once('exit', () => writeFileSync(writeTo, script.createCachedData()));
  const module = { exports: {}, filename: MAIN, id: MAIN, loaded: false, children: [], paths: [] };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(MAIN), module, MAIN, BUNDLE);
}
