import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/util/random.js';
import { runProject, task } from '../helpers/run.js';
import { validator } from '../helpers/schemas.js';

// Seeded random matrices, written and from outputs, run for real: whatever their sizes, limits,
// failures and retries, maxParallel and failFast hold.
const validateEvent = validator('events');
const TERMINAL = /^task\.(succeeded|failed|skipped|cancelled)$/;

interface MatrixSpec {
  id: string;
  values: number[];
  maxParallel?: number;
  failFast: boolean;
  continueOnError: boolean;
  /** The values whose expansion always fails. */
  failing: number[];
  /** Its values come from another task's output at run time. */
  fromOutputs: boolean;
}

function randomMatrices(seed: number): { yaml: string; specs: MatrixSpec[]; concurrency: number } {
  const rnd = seededRandom(seed);
  const concurrency = 2 + Math.floor(rnd() * 5);
  const specs: MatrixSpec[] = Array.from({ length: 2 + Math.floor(rnd() * 3) }, (_, i) => {
    const values = Array.from({ length: 2 + Math.floor(rnd() * 6) }, (_, k) => k + 1);
    return {
      id: `m${i}`,
      values,
      ...(rnd() < 0.7 ? { maxParallel: 1 + Math.floor(rnd() * 3) } : {}),
      failFast: rnd() < 0.5,
      continueOnError: rnd() < 0.2,
      failing: values.filter(() => rnd() < 0.2),
      fromOutputs: rnd() < 0.4,
    };
  });
  const lines = ['version: 1', `name: matrices-${seed}`, `policy: { maxConcurrency: ${concurrency}, retry: { maxAttempts: 2, delay: 10ms } }`, 'tasks:'];
  for (const s of specs) {
    const failing = s.failing.length ? `case \${{ matrix.v }} in ${s.failing.join('|')}) sleep 0.05; exit 3;; esac; ` : '';
    if (s.fromOutputs) lines.push(`  ${s.id}-list: { run: "echo '${JSON.stringify(s.values)}'", captureStdout: values }`);
    lines.push(`  ${s.id}:`, `    run: '${failing}sleep 0.0${2 + Math.floor(rnd() * 6)}'`);
    lines.push(s.fromOutputs ? `    needs: ${s.id}-list\n    matrix: { v: "\${{ tasks.${s.id}-list.outputs.values }}" }` : `    matrix: { v: [${s.values.join(', ')}] }`);
    if (s.maxParallel) lines.push(`    maxParallel: ${s.maxParallel}`);
    if (s.failFast) lines.push('    failFast: true');
    if (s.continueOnError) lines.push('    continueOnError: true');
  }
  return { yaml: `${lines.join('\n')}\n`, specs, concurrency };
}

describe('random matrices keep maxParallel and failFast', () => {
  for (let seed = 1; seed <= Number(process.env.PROPERTY_SEEDS ?? 12); seed++) {
    it(`seed ${seed}`, () => {
      const { yaml, specs, concurrency } = randomMatrices(seed);
      const r = runProject({ 'workflow.yaml': yaml });
      for (const e of r.events) expect(validateEvent(e), JSON.stringify(e)).toBe(true);
      const matrixOf = (id: string) => specs.find((s) => id.startsWith(`${s.id}[`));
      const ids = specs.flatMap((s) => s.values.map((v) => `${s.id}[${v}]`));
      // One terminal event per expansion.
      for (const id of ids) expect(r.events.filter((e) => e.taskId === id && TERMINAL.test(e.type)), id).toHaveLength(1);
      // Walk the stream: never more of a matrix running than its maxParallel, nor more in all than the policy's.
      const running = new Set<string>();
      /** The event index at which each failFast matrix first had an expansion fail for good. */
      const failedAt = new Map<string, number>();
      r.events.forEach((e, index) => {
        if (e.type === 'task.started') {
          running.add(e.taskId);
          expect(running.size).toBeLessThanOrEqual(concurrency);
          const spec = matrixOf(e.taskId);
          if (spec?.maxParallel) expect([...running].filter((id) => matrixOf(id) === spec).length, `${spec.id} at ${e.ts}`).toBeLessThanOrEqual(spec.maxParallel);
          // Nothing of a failFast matrix starts after one of its expansions failed for good.
          if (spec && failedAt.has(spec.id)) expect.fail(`${e.taskId} started after ${spec.id} failed fast`);
        } else if (e.type === 'task.retrying' || TERMINAL.test(e.type)) {
          running.delete(e.taskId);
          const spec = matrixOf(e.taskId ?? '');
          if (e.type === 'task.failed' && spec?.failFast && !spec.continueOnError && !failedAt.has(spec.id)) failedAt.set(spec.id, index);
        }
      });
      for (const s of specs) {
        const statuses = s.values.map((v) => task(r.result, `${s.id}[${v}]`));
        for (const [k, t] of statuses.entries()) {
          const failing = s.failing.includes(s.values[k]!);
          // A failing expansion never succeeds; a passing one fails only... never: it succeeds or is cancelled.
          if (failing) expect(t.status, t.id).not.toBe('succeeded');
          else expect(['succeeded', 'cancelled'], t.id).toContain(t.status);
          if (t.status === 'cancelled') {
            expect(t.reason, t.id).toBe('fail-fast');
            expect(failedAt.has(s.id), `${t.id} cancelled but ${s.id} did not fail fast`).toBe(true);
          }
        }
        // Without failFast (or with continueOnError), nothing of it is cancelled.
        if (!s.failFast || s.continueOnError) expect(statuses.filter((t) => t.status === 'cancelled'), s.id).toEqual([]);
      }
      const failedForReal = specs.some((s) => !s.continueOnError && s.failing.length > 0);
      expect(r.code).toBe(failedForReal ? 1 : 0);
    });
  }
});
