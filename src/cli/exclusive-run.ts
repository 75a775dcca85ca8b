import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { newRunId } from '../run/run-dir.js';
import { tryLock, unlock, type LockHolder } from '../store/locks.js';
import type { Database } from '../store/open-store.js';
import { visibleText } from '../util/visible-text.js';
import type { Workflow } from '../workflow/model.js';
import { writeErr } from './output.js';
import { UsageError } from '../errors.js';
import { processAlive } from './run-liveness.js';

/** How often a run waiting for its group looks again. */
const POLL_MS = 250;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Takes the workflow's exclusive group for a new run (nothing to take
 * without `exclusive`), first waiting for the run that holds it to end — or,
 * with `cancelInProgress`, stopping that run with SIGTERM as `orchestrate
 * cancel` does — and saying so on stderr. Resolves with the run's id, made
 * once it may start (ids sort by when runs began), and what gives the group
 * back; or with the signal a waiting run heard (or `stopped()` reports).
 */
export async function takeExclusive(db: Database, workflow: Workflow, masker: { mask(text: string): string }, stopped: () => NodeJS.Signals | undefined): Promise<{ runId: string; release: () => void } | NodeJS.Signals> {
  const exclusive = workflow.exclusive;
  if (!exclusive) return { runId: newRunId(), release: () => {} };
  // Taken, shown and kept under its masked name: a group named by a secret input (`deploy-${{ inputs.token }}`)
  // holds for every value of it, rather than write the value into the history.
  const group = masker.mask(exclusive.group);
  const claim: LockHolder = { name: group, run_id: '', workflow: masker.mask(workflow.name), pid: process.pid, host: hostname(), started: Date.now() - process.uptime() * 1000 };
  const alive = (holder: LockHolder) => processAlive(holder.pid, holder.host, holder.started);
  let told: string | undefined;
  // Heard while it waits (a run stops on them only once it has started): it ends before it began.
  let heard: NodeJS.Signals | undefined;
  const hear = (signal: NodeJS.Signals) => {
    heard = signal;
  };
  for (const signal of SIGNALS) process.on(signal, hear);
  try {
    for (;;) {
      const signal = heard ?? stopped();
      if (signal) return signal;
      const runId = newRunId();
      const holder = tryLock(db, { ...claim, run_id: runId }, alive, new Date());
      if (!holder) return { runId, release: () => unlock(db, claim.name, runId) };
      // Started by a task of the run that holds the group: that run waits for this one, which would wait for it.
      if (holder.run_id === process.env.ORCHESTRATE_RUN_ID) {
        throw new UsageError(`this run was started by a task of run ${holder.run_id}, which holds the exclusive group "${visibleText(group)}": it would wait for ever for the run it is part of (or stop it, with cancelInProgress); give this workflow another group`);
      }
      if (told !== holder.run_id) {
        told = holder.run_id;
        if (exclusive.cancelInProgress) {
          try {
            process.kill(holder.pid, 'SIGTERM');
          } catch {
            // Gone meanwhile: the group is free at the next look.
          }
        }
        await writeErr(`orchestrate: ${exclusive.cancelInProgress ? 'stopping' : 'waiting for'} run ${holder.run_id} (${visibleText(holder.workflow)}), which holds the exclusive group "${visibleText(group)}"\n`);
      }
      await sleep(POLL_MS);
    }
  } finally {
    for (const signal of SIGNALS) process.off(signal, hear);
  }
}
