import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/util/random.js';
import { cli, tempProject } from '../helpers/cli.js';
import { validator } from '../helpers/schemas.js';

// Seeded random workflows of tasks with sources, memoize, conditions on an input and a service, run
// again and again with files and the input changed in between: what `plan` says a run will skip —
// up to date, memoized, skipped by a condition, a service not needed — the run skips, and what
// could be known before the run it does not skip unannounced. (PROPERTY_SEEDS=N runs more seeds.)
const validatePlan = validator('plan');
const validateResult = validator('result');
const seeds = (fallback: number) => Math.max(fallback, Math.floor(Number(process.env.PROPERTY_SEEDS ?? 0) / 2));
const PREDICTED = new Set(['up-to-date', 'memoized', 'condition', 'not-needed']);
const STILL_TO_COME = 'its memo key reads answers still to come: the run looks it up then';

type Kind = 'plain' | 'sources' | 'memo';
interface Spec {
  id: string;
  kind: Kind;
  needs: string[];
  when: boolean;
  readsInput: boolean;
  /** The tasks whose answers it reads: its needs, and at times a task further up (through a need). */
  reads: string[];
  /** A matrix of two expansions, `tN[1]` and `tN[2]`, read whole by those that need it. */
  matrix: boolean;
  /** Its `if` (only with `cleanup`): `always` or `failure` tasks, some of them marked runOnInterrupt, which a resume reruns the needs of. */
  runIf: 'success' | 'always' | 'failure';
}

/** The ids a task runs under: its expansions' for a matrix. */
const idsOf = (s: Spec) => (s.matrix ? [`${s.id}[1]`, `${s.id}[2]`] : [s.id]);

function randomWorkflow(seed: number, { cleanup = false } = {}): { yaml: string; specs: Spec[]; service: boolean } {
  const rnd = seededRandom(seed);
  // Matrices draw from their own generator, so the rest of each seed's workflow stays as it was.
  const matrices = seededRandom(seed + 7000);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
  const service = rnd() < 0.5;
  const specs: Spec[] = [];
  const ancestors = new Map<string, Set<string>>();
  for (let i = 0, n = 6 + Math.floor(rnd() * 8); i < n; i++) {
    const needs = new Set<string>();
    if (i > 0) for (let k = Math.floor(rnd() * 3); k > 0; k--) needs.add(`t${Math.floor(rnd() * i)}`);
    const above = new Set([...needs].flatMap((d) => [d, ...(ancestors.get(d) ?? [])]));
    ancestors.set(`t${i}`, above);
    const reads = [...needs];
    const further = [...above].filter((d) => !needs.has(d));
    if (further.length && rnd() < 0.4) reads.push(pick(further));
    if (service && rnd() < 0.3) needs.add('db');
    specs.push({ id: `t${i}`, kind: pick(['plain', 'sources', 'sources', 'memo', 'memo'] as const), needs: [...needs], when: rnd() < 0.15, readsInput: rnd() < 0.4, reads, matrix: matrices() < 0.15, runIf: cleanup && needs.size && matrices() < 0.25 ? (matrices() < 0.6 ? 'always' : 'failure') : 'success' });
  }
  const lines = ['version: 1', `name: prediction-${seed}`, 'inputs: { mode: { default: a } }', `policy: { maxConcurrency: ${1 + Math.floor(rnd() * 4)} }`, 'tasks:'];
  // Ready once it has said that it ran (ran.txt is new each run): a stop that follows soon cannot beat its line.
  if (service) lines.push('  db:', "    run: 'echo db >> ran.txt; exec sleep 30'", "    service: { ready: 'grep -qx db ran.txt', interval: 20ms }");
  for (const s of specs) {
    // What it answers: a checksum of its file (read, whether it is a source or not), the input, and the answers it reads.
    const payload = [
      s.kind === 'memo' ? '' : `$(cat data/${s.id}.txt)`,
      s.readsInput ? '${{ inputs.mode }}' : '',
      s.matrix ? '${{ matrix.k }}' : '',
      ...s.reads.map((d) => `\${{ tasks.${d}.outputs.v }}`),
    ].join('|');
    // It fails while a file fail/ID is there (the run that a resume picks up).
    lines.push(`  ${s.id}:`, `    run: 'echo "$ORCHESTRATE_TASK_ID" >> ran.txt; v=$(printf %s "${payload}" | cksum | cut -d" " -f1); echo "v=$v" >> "$ORCHESTRATE_OUTPUT"; test ! -f fail/${s.id}'`);
    if (s.matrix) lines.push('    matrix: { k: [1, 2] }');
    if (s.needs.length) lines.push(`    needs: [${s.needs.join(', ')}]`);
    if (s.kind === 'sources') lines.push(`    sources: [data/${s.id}.txt]`);
    if (s.kind === 'memo') lines.push('    memoize: true');
    if (s.when) lines.push("    when: inputs.mode == 'a'");
    if (s.runIf !== 'success') lines.push(`    if: ${s.runIf}`, `    runOnInterrupt: ${Number(s.id.slice(1)) % 2 === 0}`);
  }
  return { yaml: `${lines.join('\n')}\n`, specs, service };
}

/** How each task of a run went, as the plan names it: a reason it did not run, `skipped`, or `ran`. */
function outcomes(result: any): Map<string, string> {
  return new Map(result.tasks.map((t: any) => [t.id, t.status === 'skipped' ? 'condition' : t.status === 'succeeded' ? (t.reason ?? 'ran') : t.status]));
}

const seen = { 'up-to-date': 0, memoized: 0, condition: 0, 'not-needed': 0, unannounced: 0, reused: 0, only: 0 };

describe('what the plan says a run will skip, the run skips', () => {
  for (let seed = 1; seed <= seeds(8); seed++) {
    it(`seed ${seed}`, () => {
      const { yaml, specs, service } = randomWorkflow(seed);
      const dir = tempProject({ 'package.json': '{}', 'w.yaml': yaml });
      mkdirSync(join(dir, 'data'));
      for (const s of specs) writeFileSync(join(dir, 'data', `${s.id}.txt`), '0');
      const rnd = seededRandom(seed + 9000);
      // Some rounds run a few tasks alone (`--only`, a whole matrix or one expansion), drawn apart from the rest.
      const selections = seededRandom(seed + 11000);
      let mode = 'a';
      let only: string[] = [];
      const run = () => {
        rmSync(join(dir, 'ran.txt'), { force: true });
        const r = cli(['run', 'w.yaml', '--json', '-i', `mode=${mode}`, ...onlyArgs()], { cwd: dir, timeout: 60_000 });
        const ctx = `\nseed ${seed}, mode ${mode}${only.length ? `, --only ${only.join(',')}` : ''}\n${yaml}\n${r.stderr}`;
        expect(r.code, ctx).toBe(0);
        const result = JSON.parse(r.stdout);
        expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
        const ran = existsSync(join(dir, 'ran.txt')) ? readFileSync(join(dir, 'ran.txt'), 'utf8').trim().split('\n') : [];
        return { result, ran, ctx };
      };
      const onlyArgs = () => (only.length ? ['--only', only.join(',')] : []);
      run();
      for (let round = 1; round <= 3; round++) {
        // Some files rewritten (with the bytes they hold, at times), and the input flipped at times.
        for (const s of specs) if (rnd() < 0.3) writeFileSync(join(dir, 'data', `${s.id}.txt`), String(Math.floor(rnd() * 3)));
        if (rnd() < 0.3) mode = mode === 'a' ? 'b' : 'a';
        only = selections() < 0.35 ? Array.from({ length: 1 + Math.floor(selections() * 2) }, () => {
          const s = specs[Math.floor(selections() * specs.length)]!;
          return s.matrix && selections() < 0.5 ? idsOf(s)[Math.floor(selections() * 2)]! : s.id;
        }) : [];
        const planned = JSON.parse(cli(['plan', 'w.yaml', '--json', '-i', `mode=${mode}`, ...onlyArgs()], { cwd: dir }).stdout);
        expect(validatePlan(planned), JSON.stringify(validatePlan.errors)).toBe(true);
        const plan = new Map<string, any>(planned.tasks.map((t: any) => [t.id, t]));
        const { result, ran, ctx } = run();
        const actual = outcomes(result);
        // The plan and the run take the same tasks (with --only: those named and what they need).
        expect([...actual.keys()].sort(), ctx).toEqual([...plan.keys()].sort());
        if (only.length) {
          seen.only++;
          for (const id of only) {
            const whole = specs.find((s) => s.id === id);
            expect((whole ? idsOf(whole) : [id]).every((x) => actual.has(x)), `${id}${ctx}`).toBe(true);
          }
        }
        for (const [id, how] of actual) {
          const predicted = plan.get(id)!;
          const at = `${id} in round ${round}: planned ${predicted.estimateSource} (${predicted.runsBecause ?? ''}), the run: ${how}${ctx}`;
          // Every task ran exactly when the run says so.
          expect(ran.filter((r) => r === id).length, at).toBe(how === 'ran' ? 1 : 0);
          if (PREDICTED.has(predicted.estimateSource)) {
            expect(how, at).toBe(predicted.estimateSource);
            seen[how as keyof typeof seen]++;
            continue;
          }
          // What depends on nothing but the history, the files and the input is known before the run.
          expect(['up-to-date', 'condition'], at).not.toContain(how);
          if (how === 'memoized') {
            // A memo the plan could not look up: the key reads an answer that came only in the run.
            expect(predicted.runsBecause, at).toBe(STILL_TO_COME);
            seen.unannounced++;
          }
          if (how === 'not-needed') {
            // The tasks that need it turned out not to run only in the run: a memo found then.
            expect(service, at).toBe(true);
            const users = specs.filter((s) => s.needs.includes(id)).flatMap(idsOf);
            expect(users.some((u) => actual.get(u) === 'memoized' && plan.get(u)!.estimateSource !== 'memoized'), at).toBe(true);
          }
        }
      }
    });
  }

  afterAll(() => {
    // The seeds do exercise what is predicted, or the test would prove nothing.
    expect(seen['up-to-date']).toBeGreaterThan(0);
    expect(seen.memoized).toBeGreaterThan(0);
    expect(seen.condition).toBeGreaterThan(0);
    expect(seen.only).toBeGreaterThan(0);
  });
});

describe('what a dry run of --resume says is reused, the resumed run reuses, cleanup and its needs run again', () => {
  for (let seed = 1; seed <= seeds(6); seed++) {
    it(`seed ${seed}`, () => {
      const { yaml, specs } = randomWorkflow(seed + 20000, { cleanup: true });
      const dir = tempProject({ 'package.json': '{}', 'w.yaml': yaml });
      mkdirSync(join(dir, 'data'));
      mkdirSync(join(dir, 'fail'));
      for (const s of specs) writeFileSync(join(dir, 'data', `${s.id}.txt`), '0');
      const rnd = seededRandom(seed + 29000);
      let mode = 'a';
      let resumable = false;
      let reuses = 0;
      for (let round = 1; round <= 4; round++) {
        // Some tasks fail this time (a resumable run); some files and the input change before a resume.
        for (const s of specs) rmSync(join(dir, 'fail', s.id), { force: true });
        for (const s of specs) if (rnd() < 0.2) writeFileSync(join(dir, 'fail', s.id), '');
        for (const s of specs) if (rnd() < 0.2) writeFileSync(join(dir, 'data', `${s.id}.txt`), String(Math.floor(rnd() * 3)));
        if (rnd() < 0.3) mode = mode === 'a' ? 'b' : 'a';
        const args = ['w.yaml', '--json', '-i', `mode=${mode}`, ...(resumable ? ['--resume'] : [])];
        const dry = cli(['run', ...args, '--dry-run'], { cwd: dir });
        expect(dry.code, dry.stderr).toBe(0);
        const planned = JSON.parse(dry.stdout);
        expect(validatePlan(planned), JSON.stringify(validatePlan.errors)).toBe(true);
        const plan = new Map<string, any>(planned.tasks.map((t: any) => [t.id, t.estimateSource]));
        rmSync(join(dir, 'ran.txt'), { force: true });
        const r = cli(['run', ...args], { cwd: dir, timeout: 60_000 });
        const ctx = `\nseed ${seed}, round ${round}, ${args.join(' ')}\n${yaml}\n${r.stderr}`;
        expect([0, 1], ctx).toContain(r.code);
        const result = JSON.parse(r.stdout);
        expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
        const ran = existsSync(join(dir, 'ran.txt')) ? readFileSync(join(dir, 'ran.txt'), 'utf8').trim().split('\n') : [];
        for (const t of result.tasks) {
          const at = `${t.id}: planned ${plan.get(t.id)}, the run: ${t.status} ${t.reason ?? ''}${ctx}`;
          // Reuse depends on the resumed run, the definitions and the inputs only: known before the run, both ways.
          expect(t.reason === 'reused', at).toBe(plan.get(t.id) === 'reused');
          if (t.reason === 'reused') reuses++;
          expect(ran.filter((id) => id === t.id).length, at).toBe(t.attempts > 0 ? 1 : 0);
        }
        resumable = r.code === 1;
      }
      seen.reused += reuses;
    });
  }

  afterAll(() => {
    expect(seen.reused).toBeGreaterThan(0);
  });
});
