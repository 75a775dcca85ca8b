import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { EXIT, OrchestrateError } from '../errors.js';

const require = createRequire(import.meta.url);

/**
 * better-sqlite3's native module in the package at `packageDir`: found first
 * where its install puts it (build/Release), else as its own loader
 * (`bindings`) finds it. One this Node cannot load — built for another
 * Node.js (a version switched after `npm install`), or damaged — is an
 * error (exit 2) that says so and how to rebuild it, not a stack trace.
 */
export function loadSqliteAddon(packageDir: string): object {
  const release = join(packageDir, 'build', 'Release', 'better_sqlite3.node');
  try {
    return existsSync(release) ? require(release) : createRequire(join(packageDir, 'package.json'))('bindings')({ bindings: 'better_sqlite3.node', module_root: packageDir });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const versions = /NODE_MODULE_VERSION (\d+)[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(message);
    const why = versions ? `it was built for another Node.js (module version ${versions[1]}; this one, ${process.version}, needs ${versions[2]})` : `${message.split('\n')[0]} (Node.js ${process.version})`;
    throw new OrchestrateError('io', `the run history's SQLite module (better-sqlite3) cannot be loaded: ${why}; rebuild it for this Node.js with npm rebuild better-sqlite3`, EXIT.usage);
  }
}

/** better-sqlite3 and its native module, as installed beside orchestrate. */
export function loadSqlite(): { Database: typeof BetterSqlite3; addon: object } {
  const addon = loadSqliteAddon(dirname(require.resolve('better-sqlite3/package.json')));
  return { Database: require('better-sqlite3') as typeof BetterSqlite3, addon };
}
