import { readdirSync, readFileSync } from 'node:fs';

/**
 * The processes whose environment says they belong to run `runId`
 * (`ORCHESTRATE_RUN_ID`, which every task process and its children inherit),
 * found in /proc — the way GitHub Actions finds a job's orphans by
 * RUNNER_TRACKING_ID. Catches what left its task's process group (setsid,
 * daemons). `also`: more variables they must have (`ORCHESTRATE_TASK_ID=b`),
 * to find one attempt's. Linux only: elsewhere, none.
 */
export function processesOfRun(runId: string, except: readonly number[] = [], also: readonly string[] = []): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const markers = [`ORCHESTRATE_RUN_ID=${runId}`, ...also].map((entry) => `\0${entry}\0`);
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (except.includes(pid)) continue;
    try {
      const environ = `\0${readFileSync(`/proc/${entry}/environ`, 'latin1')}`;
      if (markers.every((marker) => environ.includes(marker))) found.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
