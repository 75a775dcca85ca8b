import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EXIT } from '../../errors.js';
import { openStore } from '../../store/open-store.js';
import { runsBeyond } from '../../store/prune.js';
import { forgetRuns, runDirectories } from '../forget-runs.js';
import { findStatePath, recordedWorkflowFile } from '../history-store.js';
import { writeOut } from '../output.js';
import { stillRunning } from '../run-liveness.js';
import { visibleText } from '../../util/visible-text.js';

/** Bytes in a directory tree. */
function sizeOf(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += sizeOf(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * `orchestrate prune [file]`: forgets all but the latest `keep` runs of each
 * workflow file (or of `file`) — with `olderThan` (seconds), only those that
 * started longer ago: their history rows and their log directories. A run
 * whose runner still runs is left alone.
 */
export async function pruneCommand(file: string | undefined, options: { keep: number; olderThan?: number; dryRun?: boolean; state?: string }): Promise<number> {
  const absolute = file ? resolve(await recordedWorkflowFile(file, options.state)) : undefined;
  const found = await findStatePath(absolute ? dirname(absolute) : process.cwd(), options.state);
  // No history yet: nothing to forget, as in a history of fewer runs than it keeps.
  if (!found.exists) {
    await writeOut(`no run history at ${found.path}: nothing to remove\n`);
    return EXIT.ok;
  }
  const db = openStore(found.path);
  try {
    const cutoff = options.olderThan !== undefined ? Date.now() - options.olderThan * 1000 : Infinity;
    const runs = runsBeyond(db, options.keep, absolute).filter((run) => Date.parse(run.started_at) < cutoff && !stillRunning(run));
    const dirs = runDirectories(runs);
    const bytes = dirs.reduce((sum, dir) => sum + sizeOf(dir), 0);
    const what = `${runs.length} run${runs.length === 1 ? '' : 's'} and ${dirs.length} log director${dirs.length === 1 ? 'y' : 'ies'} (${megabytes(bytes)})`;
    const kept = `the latest ${options.keep} of ${absolute ? absolute : 'each workflow'}${options.olderThan !== undefined ? ' and every run younger than the cut-off' : ''}`;
    if (options.dryRun) {
      await writeOut(`${runs.map((run) => `would remove ${run.id}  ${run.started_at}  ${visibleText(run.workflow)}\n`).join('')}would remove ${what}, keeping ${kept}\n`);
      return EXIT.ok;
    }
    forgetRuns(db, runs, dirs);
    let note = '';
    if (runs.length) {
      try {
        // Gives the space back to the file system; another run writing now only postpones it.
        db.exec('VACUUM');
      } catch {
        note = ' (the database file shrinks at the next prune: it is in use)';
      }
    }
    await writeOut(`removed ${what}, keeping ${kept}${note}\n`);
    return EXIT.ok;
  } finally {
    db.close();
  }
}
