import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflowText } from '../workflow/load.js';
import type { Workflow } from '../workflow/model.js';
import { renderedTask } from './attempt-request.js';
import { memoKey } from './memo-key.js';
import { projectRoot } from '../workflow/project-root.js';
import { planMemoized } from './plan-memo.js';
import { SecretMasker } from '../telemetry/mask.js';

const NO_SECRETS = new SecretMasker([]);

const yaml = `version: 1
tasks:
  m: { run: "echo x=\${{ matrix.f }} >> $ORCHESTRATE_OUTPUT", matrix: { f: [a, b] }, artifacts: ["\${{ matrix.f }}.txt"], memoize: true }
  sum: { needs: m, run: "echo \${{ tasks.m.outputs.x }}", memoize: true }
  after: { needs: sum, run: "echo \${{ tasks.sum.outputs.y }} \${{ env.HOME }}", memoize: true }
  plain: { needs: m, run: "echo \${{ tasks.m[a].outputs.x }}" }
`;

function workflowIn(dir: string): Workflow {
  const r = loadWorkflowText(yaml, join(dir, 'w.yaml'));
  if (!r.workflow) throw new Error(JSON.stringify(r.diagnostics));
  return r.workflow;
}

const ids = (w: Workflow, found: Map<number, unknown>) => [...found.keys()].map((i) => w.tasks[i]!.id).sort();

describe('planMemoized', () => {
  it('knows a memoized task when every output it reads is known: a whole matrix when all its expansions are', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-memo-'));
    const w = workflowIn(dir);
    const asked: string[] = [];
    const lookup = (key: string) => {
      asked.push(key);
      return { outputs: { x: 'v', y: 'w' } };
    };
    writeFileSync(join(dir, 'a.txt'), '');
    // m[b]'s artifact is missing: it would run, so sum (which reads every expansion's x) cannot be known, nor after.
    const why = new Map<number, string>();
    expect(ids(w, planMemoized(w, new Map(), lookup, {}, NO_SECRETS, why))).toEqual(['m[a]']);
    expect(asked).toHaveLength(2);
    // Why each other memoized task will run (plan's `Will run:` line).
    expect(Object.fromEntries([...why].map(([i, reason]) => [w.tasks[i]!.id, reason]))).toEqual({
      'm[b]': 'no success it could reuse is recorded under the same memo key',
      sum: 'its memo key reads answers still to come: the run looks it up then',
      after: 'its memo key reads answers still to come: the run looks it up then',
    });
    writeFileSync(join(dir, 'b.txt'), '');
    asked.length = 0;
    expect(ids(w, planMemoized(w, new Map(), lookup, { HOME: '/h' }, NO_SECRETS))).toEqual(['after', 'm[a]', 'm[b]', 'sum']);
    // sum was looked up by the key the run will compute: its command with the expansions' answers as a list.
    const sum = w.tasks[w.taskIndex.get('sum')!]!;
    expect(asked).toContain(memoKey(sum, { command: 'echo ["v","v"]', prompt: undefined, env: {}, params: sum.params }, projectRoot(w.dir), NO_SECRETS));
    const after = w.tasks[w.taskIndex.get('after')!]!;
    expect(asked).toContain(memoKey(after, renderedTask(after, (ref) => (ref.kind === 'env' ? '/h' : 'w')), projectRoot(w.dir), NO_SECRETS));
  });

  it('takes the outputs of tasks reused or up to date as known, and asks nothing without memoize', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-memo-'));
    const w = workflowIn(dir);
    const known = new Map([[w.taskIndex.get('m[a]')!, { x: '1' }], [w.taskIndex.get('m[b]')!, { x: '2' }]]);
    const asked: string[] = [];
    const found = planMemoized(w, known, (key) => {
      asked.push(key);
      return undefined;
    }, {}, NO_SECRETS);
    expect(found.size).toBe(0);
    // sum only (m's expansions are known already; after reads sum, which did not answer; plain has no memoize).
    expect(asked).toHaveLength(1);
  });

  it('keys a task with its secrets masked: another value of a secret is the same question, and the key gives no value back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-memo-'));
    const w = workflowIn(dir);
    const after = w.tasks[w.taskIndex.get('after')!]!;
    const keyWith = (home: string, masker: SecretMasker) => memoKey(after, renderedTask(after, (ref) => (ref.kind === 'env' ? home : 'w')), projectRoot(w.dir), masker);
    const secrets = new SecretMasker(['hunter22', 'swordfish']);
    expect(keyWith('hunter22', secrets)).toBe(keyWith('swordfish', secrets));
    expect(keyWith('hunter22', secrets)).toBe(keyWith('***', NO_SECRETS));
    expect(keyWith('hunter22', NO_SECRETS)).not.toBe(keyWith('swordfish', NO_SECRETS));
    // What is not a secret still tells keys apart.
    expect(keyWith('/home/a', secrets)).not.toBe(keyWith('/home/b', secrets));
  });
});
