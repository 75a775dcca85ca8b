/** What the CLI's start (src/cli/start-bundle.cts) puts on globalThis: an import() that Node's loader compiled. */
const OUTSIDE = Symbol.for('orchestrate.import');

/**
 * Imports a module (a user's JavaScript config file) by URL. The CLI bundle
 * runs from V8's code cache through node:vm, where an import() has no loader
 * to call in Node 20 without an experimental flag: its start (start-bundle.cts) lends
 * its own import(). Everywhere else (the library, the sources) it is import().
 */
export function importModule(url: string): Promise<unknown> {
  const outside = (globalThis as Record<symbol, ((url: string) => Promise<unknown>) | undefined>)[OUTSIDE];
  return outside ? outside(url) : import(url);
}
