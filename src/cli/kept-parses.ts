import { dirname, join, resolve } from 'node:path';
import { ParseCache } from '../workflow/parse-cache.js';
import { orchestrateDirectory } from '../workflow/project-root.js';
import { STDIN } from '../workflow/stdin.js';
import { buildId } from './build-id.js';

/**
 * Where `run` keeps the workflow texts it parsed (ParseCache): beside its runs,
 * in `.orchestrate/cache/parsed` of the project, for this build of the CLI.
 * None for standard input, or outside the CLI bundle.
 */
export function keptParses(file: string): ParseCache | undefined {
  const build = buildId();
  if (build === undefined || file === STDIN) return undefined;
  return new ParseCache(join(orchestrateDirectory(dirname(resolve(file))), 'cache', 'parsed'), build);
}
