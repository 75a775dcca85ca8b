import { readdirSync, readFileSync } from 'node:fs';

/**
 * The processes whose environment says they belong to run `runId`
 * (`ORCHESTRATE_RUN_ID`, which every task process and its children inherit),
 * found in /proc — the way GitHub Actions finds a job's orphans by
 * RUNNER_TRACKING_ID. Catches what left its task's process group (setsid,
 * daemons). Linux only: elsewhere, none.
 */
export function processesOfRun(runId: string, except: readonly number[] = []): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const marker = `\0ORCHESTRATE_RUN_ID=${runId}\0`;
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (except.includes(pid)) continue;
    try {
      if (`\0${readFileSync(`/proc/${entry}/environ`, 'latin1')}`.includes(marker)) found.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
