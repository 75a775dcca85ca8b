import { availableParallelism } from 'node:os';
import { schemas } from './schema.js';

/** Whether `text` is a share of the CPUs as the schema's `cpuShare` writes it (`50%`). */
export function isCpuShare(text: string): boolean {
  return new RegExp(schemas().workflow.definitions.cpuShare.pattern as string).test(text);
}

/**
 * A concurrency limit as a number of slots: a number is itself; a share of
 * the CPUs (`50%`) is that part of `cpus`, rounded down, at least 1 — as
 * Turborepo reads `--concurrency=50%`.
 */
export function slotsOf(limit: number | string, cpus = availableParallelism()): number {
  if (typeof limit === 'number') return limit;
  return Math.max(1, Math.floor((cpus * Number.parseInt(limit, 10)) / 100));
}
