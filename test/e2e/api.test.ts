import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeGraph, executeParallel, loadWorkflow, plan, startRun, WorkflowError, type Agent } from '../../src/index.js';
import { ROOT, tempProject } from '../helpers/cli.js';
import { validator } from '../helpers/schemas.js';

const validateResult = validator('result');

describe('library API', () => {
  it('executeGraph runs in-process agents and shell tasks with needs, passing outputs', async () => {
    const cwd = tempProject();
    const seen: string[] = [];
    const writer: Agent = { run: async (prompt, ctx) => ({ outputs: { text: `${prompt}!`, attempt: ctx.attempt }, cost: 0.25 }) };
    const result = await executeGraph({
      tasks: [
        { id: 'write', agent: writer, prompt: 'draft' },
        { id: 'review', needs: ['write'], prompt: 'review ${{ tasks.write.outputs.text }}', params: { text: '${{ tasks.write.outputs.text }}', n: 1 }, agent: () => ({ run: (prompt, ctx) => { seen.push(prompt, JSON.stringify(ctx.params)); return {}; } }) },
        { id: 'shell', needs: ['write'], run: 'test "${{ tasks.write.outputs.text }}" = "draft!"' },
      ],
    }, { maxConcurrency: 2, cwd });
    expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
    expect(result.status).toBe('succeeded');
    // Its params' templates are filled as its prompt's.
    expect(seen).toEqual(['review draft!', '{"text":"draft!","n":1}']);
    expect(result.tasks.map((t) => [t.id, t.status, t.cost])).toEqual([['write', 'succeeded', 0.25], ['review', 'succeeded', 0], ['shell', 'succeeded', 0]]);
    expect(result.metrics.costSpent).toBe(0.25);
  });

  it('asks the `approve` function before a task with approval starts; without one, it is rejected', async () => {
    const cwd = tempProject();
    const asked: string[] = [];
    const tasks = [
      { id: 'plan', run: 'echo "n=3" >> "$ORCHESTRATE_OUTPUT"' },
      { id: 'apply', needs: ['plan'], approval: 'apply ${{ tasks.plan.outputs.n }} changes?', run: 'true' },
    ];
    const approved = await executeGraph({ tasks }, { cwd, approve: async ({ taskId, message }) => {
      asked.push(`${taskId}: ${message}`);
      return { approved: true, by: 'a test' };
    } });
    expect(approved.status).toBe('succeeded');
    expect(asked).toEqual(['apply: apply 3 changes?']);
    const nobody = await executeGraph({ tasks }, { cwd });
    expect(nobody.tasks[1]).toMatchObject({ status: 'failed', attempts: 0, errors: [{ kind: 'rejected', message: 'rejected: nobody can approve it here: give the run an `approve` function' }] });
  });

  it('checks an in-process agent\'s answer against its outputSchema, retrying a bad one; only: [] runs nothing', async () => {
    const cwd = tempProject();
    const answers = ['{"verdict": "perhaps"}', '{"verdict": "approve"}'];
    const result = await executeGraph({
      tasks: [{
        id: 'judge', captureStdout: 'answer', retry: { maxAttempts: 2, delay: 0 },
        outputSchema: { answer: { type: 'object', properties: { verdict: { enum: ['approve', 'reject'] } } } },
        agent: { run: (_prompt, ctx) => ({ output: answers[ctx.attempt - 1] }) },
      }],
    }, { cwd });
    expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
    expect(result.tasks[0]).toMatchObject({ status: 'succeeded', attempts: 2, outputs: { answer: '{"verdict": "approve"}' } });
    expect(result.tasks[0]!.errors).toEqual([{ attempt: 1, kind: 'invalid', message: 'output "answer" does not match its schema: /verdict must be equal to one of the allowed values ("approve", "reject")' }]);
    const none = await executeGraph({ tasks: [{ id: 'a', run: 'exit 1' }] }, { cwd, only: [] });
    expect([none.status, none.tasks]).toEqual(['succeeded', []]);
  });

  it('executeGraph fans out an in-process agent over another task\'s output (a matrix from outputs)', async () => {
    const cwd = tempProject();
    const reviewed: string[] = [];
    const result = await executeGraph({
      tasks: [
        { id: 'find', agent: { run: () => ({ outputs: { files: '["a.ts", "b.ts"]' } }) } },
        { id: 'review', needs: ['find'], matrix: { file: '${{ tasks.find.outputs.files }}' }, prompt: 'review ${{ matrix.file }}', agent: { run: (prompt) => { reviewed.push(prompt); return {}; } } },
        { id: 'done', needs: ['review'], run: 'true' },
      ],
    }, { maxConcurrency: 2, cwd });
    expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
    expect(result.status).toBe('succeeded');
    expect(reviewed.sort()).toEqual(['review a.ts', 'review b.ts']);
    expect(result.tasks.map((t) => [t.id, t.status])).toEqual([['find', 'succeeded'], ['review', 'succeeded'], ['done', 'succeeded'], ['review[a.ts]', 'succeeded'], ['review[b.ts]', 'succeeded']]);
  });

  it('runs one loaded workflow with a matrix from outputs twice: a run never changes the workflow it was given', async () => {
    const cwd = tempProject({
      'package.json': '{}',
      'w.yaml': 'version: 1\ntasks:\n  find: { run: "echo list=[1,2] >> $ORCHESTRATE_OUTPUT" }\n  each: { needs: find, matrix: { n: "${{ tasks.find.outputs.list }}" }, run: "true" }\n',
    });
    const workflow = await loadWorkflow(join(cwd, 'w.yaml'));
    for (let run = 0; run < 2; run++) {
      const result = await startRun(workflow).result;
      expect(result.status, JSON.stringify(result.tasks.map((t) => [t.id, t.status, t.errors]))).toBe('succeeded');
      expect(result.tasks.map((t) => t.id)).toEqual(['find', 'each', 'each[1]', 'each[2]']);
      expect(workflow.tasks.map((t) => t.id)).toEqual(['find', 'each']);
    }
  });

  it('aborts ctx.signal on timeout and retries', async () => {
    let attempts = 0;
    const result = await executeParallel([{
      id: 'slow',
      timeout: 0.2,
      retry: { maxAttempts: 2, delay: 0.05 },
      agent: {
        run: (_prompt, ctx) => new Promise((resolve, reject) => {
          attempts++;
          const t = setTimeout(() => resolve({}), 10_000);
          ctx.signal.addEventListener('abort', () => { clearTimeout(t); reject(new Error('stopped')); });
        }),
      },
    }], { cwd: tempProject() });
    expect(attempts).toBe(2);
    expect(result.status).toBe('failed');
    expect(result.tasks[0]!.errors.map((e) => e.kind)).toEqual(['timeout', 'timeout']);
  });

  it('settles the run when an agent ignores ctx.signal and never returns, in a process with nothing else to do', () => {
    // In a process of its own: here the test runner's own timers would keep the event loop alive.
    const script = `import { executeParallel } from ${JSON.stringify(join(ROOT, 'dist/index.js'))};
const r = await executeParallel([{ id: 'stuck', agent: { run: () => new Promise(() => {}) }, timeout: 0.2 }], { gracePeriod: 0.1, cwd: ${JSON.stringify(tempProject())} });
console.log(JSON.stringify(r.tasks[0].errors));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(out)).toEqual([{ attempt: 1, kind: 'timeout', message: 'timed out after 0.2s' }]);
  });

  it('gives onOutput every output line of shell tasks and in-process agents, masked', async () => {
    const lines: string[] = [];
    const result = await executeGraph({
      tasks: [
        { id: 'sh', run: 'echo one; echo two >&2; echo "$DEPLOY_CRED"' },
        { id: 'agent', needs: ['sh'], agent: { run: (_p, ctx) => { ctx.log('thinking\nhard'); return { output: 'done\nsecret-cred-55' }; } } },
      ],
    }, { cwd: tempProject(), env: { DEPLOY_CRED: 'secret-cred-55' }, secrets: ['DEPLOY_CRED'], onOutput: (taskId, line, stream) => lines.push(`${taskId} ${stream} ${line}`) });
    expect(result.status).toBe('succeeded');
    expect(lines.sort()).toEqual(['agent out ***', 'agent out done', 'agent out hard', 'agent out thinking', 'sh err two', 'sh out ***', 'sh out one']);
    // The workflow's shell, given as a run option.
    const bash = await executeParallel([{ id: 'b', run: 'a=(1 2); echo "n=${#a[@]}" >> "$ORCHESTRATE_OUTPUT"' }], { cwd: tempProject(), shell: 'bash -c' });
    expect(bash.tasks[0]!.outputs).toEqual({ n: '2' });
  });

  it('executeParallel runs independent tasks side by side', async () => {
    const running: number[] = [];
    let now = 0;
    let peak = 0;
    const agent: Agent = { run: async () => { now++; peak = Math.max(peak, now); await new Promise((r) => setTimeout(r, 100)); now--; running.push(1); return {}; } };
    const result = await executeParallel(Array.from({ length: 6 }, (_, i) => ({ id: `t${i}`, agent })), { maxConcurrency: 3, cwd: tempProject() });
    expect(result.status).toBe('succeeded');
    expect(peak).toBe(3);
    expect(running).toHaveLength(6);
  });

  it('cancels through policy.signal', async () => {
    const controller = new AbortController();
    const promise = executeGraph({ tasks: [{ id: 'a', run: 'sleep 30' }, { id: 'b', run: 'true', needs: ['a'] }] }, { signal: controller.signal, cwd: tempProject() });
    setTimeout(() => controller.abort(), 300);
    const result = await promise;
    expect(result.status).toBe('cancelled');
    expect(result.tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('rejects invalid tasks with every diagnostic, and loads and plans files', async () => {
    await expect(executeGraph({ tasks: [{ id: 'a', run: 'x', needs: ['nope'] }] }, { maxConcurrency: 0 })).rejects.toThrow(WorkflowError);
    await expect(executeGraph({ tasks: [{ id: 'a', run: 'x', needs: ['nope'] }] })).rejects.toThrow(/needs "nope", which is not a task/);
    const workflow = await loadWorkflow('workflows/ci-pipeline.yaml');
    expect(plan(workflow).criticalPath.tasks[0]).toBe('install');
    await expect(loadWorkflow('test/fixtures/lint/cycle/workflow.yaml')).rejects.toThrow(/dependency cycle: fetch -> build -> publish -> fetch \[cycle\]/);
  });

  it('names what is wrong with tasks given in code: not an array, not an object, a repeated id', async () => {
    const cwd = tempProject();
    await expect(executeParallel('build' as never, { cwd })).rejects.toThrow(new TypeError('executeParallel: the tasks must be an array, got string'));
    await expect(executeGraph(null as never, { cwd })).rejects.toThrow(new TypeError('executeGraph: the graph must be an object { tasks }, got null'));
    await expect(executeGraph({ tasks: [{ id: 'a', run: 'true' }, null as never] }, { cwd })).rejects.toThrow(/executeGraph: task 2 must be an object with a string id, got null/);
    // An agent that is neither an Agent nor a function that makes one is refused before anything runs.
    await expect(executeParallel([{ id: 'a', agent: 5 as never }], { cwd })).rejects.toThrow(new TypeError('executeParallel: the agent of task "a" must be an Agent ({ run(prompt, ctx) }) or a function that makes one, got number'));
    await expect(executeParallel([{ id: 'a', agent: { prompt: 'x' } as never }], { cwd })).rejects.toThrow(/got an object without a run method$/);
    // Needs would be ignored by a runner of independent tasks: refused, not dropped.
    await expect(executeParallel([{ id: 'a', run: 'true' }, { id: 'b', run: 'true', needs: ['a'] }], { cwd })).rejects.toThrow(new TypeError('executeParallel: task "b" has needs, but executeParallel runs independent tasks side by side: give tasks with needs to executeGraph, which runs each after what it needs'));
    await expect(executeParallel([{ id: 'a', run: 'true', needs: 'x' as never }], { cwd })).rejects.toThrow(/task "a" has needs/);
    expect((await executeParallel([{ id: 'a', run: 'true', needs: [] }], { cwd })).status).toBe('succeeded');
    const repeated = executeParallel([{ id: 'a', run: 'true' }, { id: 'b', run: 'true' }, { id: 'a', run: 'false' }], { cwd });
    await expect(repeated).rejects.toThrow(WorkflowError);
    await expect(repeated).rejects.toThrow('task id "a" occurs twice (tasks 1 and 3) [duplicate-task-id]');
    // Paths, not line numbers of a document the caller never wrote.
    const error = await executeGraph({ tasks: [{ id: 'a', run: 'x', needs: ['nope'] }] }, { cwd }).catch((e: unknown) => e as WorkflowError);
    expect(error.message).toContain('\n  tasks.a.needs[0]: task "a" needs "nope"');
    expect(error.diagnostics[0]!.code).toBe('unknown-need');
    // A task called `__proto__` is named as refused, not lost with "not a task" for what needs it.
    const reserved = await executeGraph({ tasks: [{ id: '__proto__', run: 'true' }, { id: 'b', run: 'true', needs: ['__proto__'] }] }, { cwd }).catch((e: unknown) => e as WorkflowError);
    expect(reserved.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['invalid-id "__proto__" is not a valid task id: the name is reserved, as JavaScript gives it a meaning of its own']);
  });

  it('runs nothing, and succeeds, when given no tasks (a batch of no items, as Promise.all([]) takes)', async () => {
    const cwd = tempProject();
    const events: string[] = [];
    const parallel = await executeParallel([], { cwd, name: 'batch', onEvent: (e) => events.push(e.type) });
    expect(parallel).toMatchObject({ status: 'succeeded', workflow: 'batch', tasks: [], metrics: { costSpent: 0 } });
    expect(events).toEqual(['workflow.started', 'workflow.finished']);
    expect((await executeGraph({ tasks: [] }, { cwd })).tasks).toEqual([]);
  });

  it('checks what an agent returns: no object, outputs that are objects, a cost that is not a number', async () => {
    const cwd = tempProject();
    const result = await executeGraph({
      tasks: [
        { id: 'odd', agent: { run: () => 42 as never } },
        { id: 'rich', agent: { run: () => ({ outputs: { list: [1, 2] as never, n: 3 }, cost: 'lots' as never }) }, cost: 0.5 },
        { id: 'vast', agent: { run: () => ({ cost: Number.MAX_VALUE }) }, cost: 0.25 },
        { id: 'endless', agent: { run: () => ({ cost: Infinity }) } },
        { id: 'use', needs: ['rich'], run: 'test \'${{ tasks.rich.outputs.list }}\' = \'[1,2]\'' },
      ],
    }, { cwd, costBudget: 10 });
    expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
    expect(result.status).toBe('succeeded');
    const rich = result.tasks.find((t) => t.id === 'rich')!;
    expect(rich.outputs).toEqual({ list: '[1,2]', n: '3' });
    expect(rich.cost).toBe(0.5);
    expect(result.metrics.costSpent).toBe(0.75);
    const logs = join(cwd, '.orchestrate/runs', result.runId);
    expect(readFileSync(join(logs, 'rich.log'), 'utf8')).toContain('cost "lots" ignored: not a number from 0 to 1e15; the declared cost counts');
    expect(readFileSync(join(logs, 'odd.log'), 'utf8')).toContain('the agent returned number, not an object: no outputs taken');
    expect(readFileSync(join(logs, 'vast.log'), 'utf8')).toContain('cost 1.7976931348623157e+308 ignored: not a number from 0 to 1e15');
    expect(readFileSync(join(logs, 'endless.log'), 'utf8')).toContain('cost Infinity ignored: not a number from 0 to 1e15');
  });

  it('reads an in-process agent\'s cost where costOutput says when it returns none, and takes a cost among its outputs as just an output', async () => {
    const cwd = tempProject();
    const answer = (text: string, cost?: number): Agent => ({ run: () => ({ output: text, ...(cost !== undefined ? { cost } : {}) }) });
    const result = await executeGraph({
      tasks: [
        { id: 'json', agent: answer('{"result": "ok", "usage": {"cost": 0.2}}'), captureStdout: 'answer', costOutput: 'answer.usage.cost', cost: 1 },
        { id: 'returned', agent: answer('{"usage": {"cost": 0.2}}', 0.3), captureStdout: 'answer', costOutput: 'answer.usage.cost', cost: 1 },
        { id: 'plain', agent: { run: () => ({ outputs: { cost: '0.4' } }) }, cost: 1 },
      ],
    }, { cwd });
    expect(result.tasks.map((t) => [t.id, t.cost])).toEqual([['json', 0.2], ['returned', 0.3], ['plain', 1]]);
  });

  it('takes outputs as JSON would write them: undefined, functions and symbols left out, bigints as digits, a circular object an invalid attempt', async () => {
    const cwd = tempProject();
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const result = await executeGraph({
      tasks: [
        { id: 'loose', agent: { run: () => ({ outputs: { gone: undefined, fn: (() => 1) as never, sym: Symbol('s') as never, big: 12n as never, deep: { n: 3n } as never, none: null as never }, cost: 7n as never }) } },
        { id: 'use', needs: ['loose'], run: 'test "${{ tasks.loose.outputs.gone }}${{ tasks.loose.outputs.big }}" = 12' },
        { id: 'loop', agent: { run: () => ({ outputs: { ok: 'x', self: circular as never } }) } },
        { id: 'said', captureStdout: 'text', agent: { run: () => ({ output: { verdict: 'ok' } as never }) } },
      ],
    }, { cwd });
    expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
    const byId = Object.fromEntries(result.tasks.map((t) => [t.id, t]));
    expect(byId.loose!.outputs).toEqual({ big: '12', deep: '{"n":"3"}', none: 'null' });
    expect(byId.use!.status).toBe('succeeded');
    // Its text, when it is not text, is as JSON writes it too: not [object Object].
    expect(byId.said!.outputs).toEqual({ text: '{"verdict":"ok"}' });
    expect(byId.loop!.status).toBe('failed');
    expect(byId.loop!.errors[0]).toMatchObject({ kind: 'invalid', message: 'its output self cannot be written as JSON: Converting circular structure to JSON' });
    const log = readFileSync(join(cwd, '.orchestrate/runs', result.runId, 'loose.log'), 'utf8');
    expect(log).toContain('output gone ignored: undefined is no value (as JSON leaves it out)');
    expect(log).toContain('output sym ignored: symbol is no value (as JSON leaves it out)');
    expect(log).toContain('cost 7 ignored: not a number from 0 to 1e15; the declared cost counts');
  });

  it('fails a task whose agent factory gives no agent, saying so', async () => {
    const result = await executeParallel([
      { id: 'none', agent: (() => null) as never },
      { id: 'plain', agent: (() => ({ go: () => ({}) })) as never },
    ], { cwd: tempProject() });
    expect(result.status).toBe('failed');
    expect(result.tasks.map((t) => t.errors[0]?.message)).toEqual([
      'its agent factory returned null, not an Agent ({ run(prompt, ctx) })',
      'its agent factory returned an object without a run method, not an Agent ({ run(prompt, ctx) })',
    ]);
  });

  it('checks the artifacts an agent reports, lists them in the result, and fails the attempt when one is missing', async () => {
    const cwd = tempProject({ 'old.md': '' });
    const result = await executeParallel([
      { id: 'writes', agent: { run: () => { writeFileSync(join(cwd, 'spec.md'), 'x'); return { artifacts: ['spec.md', '*.md'] }; } } },
      { id: 'claims', agent: { run: () => ({ artifacts: ['never-written.md'] }) } },
      { id: 'odd', agent: { run: () => ({ artifacts: 'spec.md' as never }) } },
    ], { cwd });
    const byId = (id: string) => result.tasks.find((t) => t.id === id)!;
    expect(byId('writes')).toMatchObject({ status: 'succeeded', artifacts: ['spec.md', 'old.md'] });
    expect(byId('claims')).toMatchObject({ status: 'failed', artifacts: [] });
    expect(byId('claims').errors).toEqual([{ attempt: 1, kind: 'invalid', message: 'artifact not created: never-written.md' }]);
    expect(readFileSync(join(cwd, '.orchestrate/runs', result.runId, 'claims.log'), 'utf8')).toMatch(/^--- attempt 1 of claims started \S+ \(in-process agent\)\n--- attempt 1 failed: artifact not created: never-written.md\n$/);
    expect(byId('odd')).toMatchObject({ status: 'succeeded', artifacts: [] });
    expect(readFileSync(join(cwd, '.orchestrate/runs', result.runId, 'odd.log'), 'utf8')).toContain('artifacts "spec.md" ignored: not a list of paths');
  });

  it('notes in an in-process agent\'s log a template that read an output its need never set', async () => {
    const cwd = tempProject();
    const result = await executeGraph({
      tasks: [
        { id: 'draft', agent: { run: () => ({ outputs: { text: 'a haiku' } }) } },
        { id: 'review', needs: ['draft'], agent: { run: (prompt) => ({ outputs: { seen: prompt } }) }, prompt: 'Review: ${{ tasks.draft.outputs.txt }}' },
      ],
    }, { cwd });
    expect(result.tasks.find((t) => t.id === 'review')).toMatchObject({ status: 'succeeded', outputs: { seen: 'Review: ' } });
    expect(readFileSync(join(cwd, '.orchestrate/runs', result.runId, 'review.log'), 'utf8')).toMatch(/^--- attempt 1 of review started \S+ \(in-process agent\)\n--- \$\{\{ tasks\.draft\.outputs\.txt \}\} reads empty: "draft" set no output "txt" \(it set "text"\)\n$/);
  });

  it('refuses more than 1 MB of outputs from an in-process agent', async () => {
    const result = await executeParallel([{ id: 'big', agent: { run: () => ({ outputs: { text: 'x'.repeat(2 * 1024 * 1024) } }) } }], { cwd: tempProject() });
    expect(result.status).toBe('failed');
    expect(result.tasks[0]!.errors).toEqual([{ attempt: 1, kind: 'invalid', message: 'outputs of 2.0 MB: at most 1 MB per attempt; write large data to a file (an artifact) and pass its path' }]);
    expect(result.tasks[0]!.outputs).toEqual({});
  });

  it('starts no spawner process for a run of in-process agents only', async () => {
    const spawnerPids = () => execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n').filter((l) => l.includes('spawner-main')).map((l) => l.trim().split(' ')[0]);
    // Spawners of earlier tests may still be on their way out: only new ones count.
    const before = new Set(spawnerPids());
    const spawners = () => spawnerPids().filter((pid) => !before.has(pid)).length;
    let seen = -1;
    const agent: Agent = { run: async () => { seen = Math.max(seen, spawners()); return {}; } };
    const result = await executeParallel([{ id: 'a', agent }, { id: 'b', agent }], { cwd: tempProject() });
    expect(result.status).toBe('succeeded');
    expect(seen).toBe(0);
    // With a shell task, there is one.
    const mixed = await executeParallel([{ id: 'a', agent }, { id: 's', run: 'sleep 0.3' }], { cwd: tempProject(), maxConcurrency: 2 });
    expect(mixed.status).toBe('succeeded');
    expect(seen).toBe(1);
  });
});
