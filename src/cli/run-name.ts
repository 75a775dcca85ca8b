import { UsageError } from '../errors.js';
import type { Database } from '../store/open-store.js';
import { resolve } from 'node:path';
import { getRun, latestRunId, latestRunOfWorkflow, runsNamed, type RunRow } from '../store/queries.js';

/** How many runs a name that fits several lists. */
const SHOWN = 5;

/**
 * The run a user names on the command line: its whole id, a start of it
 * (`20261126T2042`), or a start of its random part (`3f9a2c`, `3f9`), as git
 * takes a short commit hash and Docker a short container id; else a
 * workflow's name or file (`hello`, `ci.yaml`), for its latest run, as Docker
 * takes a container's name. A name that fits no run, or several, is a usage
 * error: `context` begins the message (`--resume: `), and `hint` gives the
 * end of the one for no run.
 */
export function runNamed(db: Database, name: string, context = '', hint: () => string = () => ''): RunRow {
  const exact = getRun(db, name);
  if (exact) return exact;
  const runs = name === '' ? [] : runsNamed(db, name, SHOWN + 1);
  if (runs.length === 1) return runs[0]!;
  if (runs.length > 1) {
    const listed = runs.slice(0, SHOWN).map((r) => r.id).join(', ');
    throw new UsageError(`${context}"${name}" fits more than one run: ${listed}${runs.length > SHOWN ? ', ...' : ''} (give more of the id)`);
  }
  const ofWorkflow = name === '' ? undefined : latestRunOfWorkflow(db, name, resolve(name));
  if (ofWorkflow) return ofWorkflow;
  throw new UsageError(`${context}no run "${name}" in the history${hint()}`);
}

/** The run named (runNamed), or without a name the latest run; none recorded yet is a usage error. */
export function runNamedOrLatest(db: Database, name: string | undefined, hint?: (name: string) => string): RunRow {
  const chosen = name ?? latestRunId(db);
  if (chosen === undefined) throw new UsageError('no runs recorded yet');
  return runNamed(db, chosen, '', hint && (() => hint(chosen)));
}
