import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expandGlob, isGlobHere } from '../util/glob.js';

export interface FoundArtifacts {
  /** The files there, as declared (relative to the task's cwd); a glob gives the files it matched. */
  produced: string[];
  /** What is not there: a path that does not exist, or a glob that matches no file. */
  missing: string[];
}

/**
 * Checks a task's artifacts after a successful attempt: the ones it declares
 * (a path, or a glob such as `dist/*.js` that must match at least one file)
 * and the ones an in-process agent reports.
 */
export function findArtifacts(declared: readonly string[], reported: readonly string[], cwd: string): FoundArtifacts {
  const produced = new Set<string>();
  const missing: string[] = [];
  for (const artifact of [...declared, ...reported]) {
    if (isGlobHere(artifact, cwd)) {
      const files = expandGlob(artifact, cwd);
      if (!files.length) missing.push(artifact);
      for (const file of files) produced.add(file);
    } else if (existsSync(resolve(cwd, artifact))) produced.add(artifact);
    else missing.push(artifact);
  }
  return { produced: [...produced], missing };
}
