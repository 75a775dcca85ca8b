import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';
import { runProject, task } from '../helpers/run.js';
import { validator } from '../helpers/schemas.js';
import { seededRandom } from '../../src/util/random.js';

const validateEvent = validator('events');
const validateResult = validator('result');
const ms = (iso: string) => Date.parse(iso);

/** Every event fits the schema and every task has exactly one terminal event. */
function checkStream(events: any[], result: any): void {
  for (const e of events) expect(validateEvent(e), JSON.stringify(validateEvent.errors)).toBe(true);
  expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
  for (const t of result.tasks) {
    const ends = events.filter((e) => e.taskId === t.id && ['task.succeeded', 'task.failed', 'task.skipped', 'task.cancelled'].includes(e.type));
    expect(ends, t.id).toHaveLength(1);
  }
}

// `find` prints the files to review (one per line) and the passes (JSON); `review` fans out over both.
const workflow = (files: string, extra = '') => `version: 1
tasks:
  find:
    run: |
      printf 'files<<EOF\\n${files}EOF\\n' >> "$ORCHESTRATE_OUTPUT"
      echo 'passes=[1, 2]' >> "$ORCHESTRATE_OUTPUT"
  review:
    needs: find
    matrix:
      file: \${{ tasks.find.outputs.files }}
      pass: \${{ tasks.find.outputs.passes }}
    env: { FILE: "\${{ matrix.file }}" }
    run: test "$FILE" != bad.ts && echo "$FILE:\${{ matrix.pass }}" >> reviewed.txt
${extra}  report:
    needs: review
    run: wc -l < reviewed.txt | tr -d ' ' > count.txt
`;

describe('a matrix from another task\'s outputs', () => {
  it('expands when its needs are done (lines and JSON lists, crossed), and what needs it waits for every expansion', () => {
    const r = runProject({ 'workflow.yaml': workflow('a.ts\\nsrc/b c.ts\\n') });
    expect(r.code, r.stderr).toBe(0);
    checkStream(r.events, r.result);
    const ids = r.result.tasks.map((t: any) => t.id);
    expect(ids).toEqual(['find', 'review', 'report', 'review[a.ts,1]', 'review[a.ts,2]', 'review[src/b c.ts,1]', 'review[src/b c.ts,2]']);
    expect(readFileSync(join(r.dir, 'reviewed.txt'), 'utf8').trim().split('\n').sort()).toEqual(['a.ts:1', 'a.ts:2', 'src/b c.ts:1', 'src/b c.ts:2']);
    // report ran after every expansion had ended, and saw all their work.
    expect(readFileSync(join(r.dir, 'count.txt'), 'utf8').trim()).toBe('4');
    const reportStart = ms(r.events.find((e) => e.type === 'task.started' && e.taskId === 'report').ts);
    for (const id of ids.filter((id: string) => id.startsWith('review['))) expect(ms(task(r.result, id).finishedAt)).toBeLessThanOrEqual(reportStart);
    expect(task(r.result, 'review')).toMatchObject({ status: 'succeeded', attempts: 0 });
    // The run starts with the tasks it knows; the expansions join it.
    expect(r.events[0]).toMatchObject({ type: 'workflow.started', tasks: 3 });
    // The history knows them: the stored events match the live ones.
    const stored = cli(['events', r.result.runId], { cwd: r.dir });
    expect(stored.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual(r.events);
    // Stats show the expansions, which ran, not the task that expanded (as for a written matrix).
    const stats = JSON.parse(cli(['stats', '--json'], { cwd: r.dir }).stdout);
    expect(stats.tasks.map((t: any) => t.name).sort()).toEqual(['find', 'report', 'review[a.ts,1]', 'review[a.ts,2]', 'review[src/b c.ts,1]', 'review[src/b c.ts,2]']);
  });

  it('fails when an expansion fails or the output is not a list, and does nothing for an empty list', () => {
    const failing = runProject({ 'workflow.yaml': workflow('a.ts\\nbad.ts\\n') });
    expect(failing.code).toBe(1);
    checkStream(failing.events, failing.result);
    expect(task(failing.result, 'review[a.ts,1]').status).toBe('succeeded');
    expect(task(failing.result, 'review[bad.ts,1]').status).toBe('failed');
    expect(task(failing.result, 'review').status).toBe('failed');
    expect(task(failing.result, 'review').errors[0].message).toBe('2 of its 4 expansions failed');
    expect(task(failing.result, 'report')).toMatchObject({ status: 'skipped', reason: 'dependency-failed' });

    const notAList = runProject({ 'workflow.yaml': workflow('{"a": 1}\\n') });
    expect(notAList.code).toBe(1);
    checkStream(notAList.events, notAList.result);
    expect(task(notAList.result, 'review').errors[0]).toMatchObject({ kind: 'invalid', message: 'its matrix could not be expanded: matrix.file: ${{ tasks.find.outputs.files }} is JSON but not a list of strings, numbers and booleans' });
    expect(task(notAList.result, 'report')).toMatchObject({ status: 'skipped', reason: 'dependency-failed' });

    const empty = runProject({ 'workflow.yaml': workflow('') });
    expect(empty.code).toBe(0);
    checkStream(empty.events, empty.result);
    expect(task(empty.result, 'review')).toMatchObject({ status: 'succeeded', reason: 'empty-matrix' });
    expect(empty.result.tasks).toHaveLength(3);
  });

  it('fails when the output is one its task succeeded without setting, but runs nothing after an allowed failure', () => {
    const fanOut = (find: string) => `version: 1
tasks:
  find: { run: '${find}' }
  review: { needs: find, matrix: { file: "\${{ tasks.find.outputs.files }}" }, run: "echo \${{ matrix.file }}" }
  report: { needs: review, run: "true" }
`;
    const unset = runProject({ 'workflow.yaml': fanOut('echo "file=a.ts" >> $ORCHESTRATE_OUTPUT') });
    expect(unset.code).toBe(1);
    checkStream(unset.events, unset.result);
    expect(task(unset.result, 'review').errors[0]).toMatchObject({ kind: 'invalid', message: 'its matrix could not be expanded: matrix.file: ${{ tasks.find.outputs.files }} reads empty: "find" set no output "files" (it set "file")' });
    expect(task(unset.result, 'report')).toMatchObject({ status: 'skipped', reason: 'dependency-failed' });
    // A member its JSON does not have is none either; one that is an empty list is.
    const member = (answer: string) => fanOut(`echo ''answer=${answer}'' >> $ORCHESTRATE_OUTPUT`).replace('outputs.files', 'outputs.answer.files');
    const noMember = runProject({ 'workflow.yaml': member('{"file":["a.ts"]}') });
    expect(task(noMember.result, 'review').errors[0]).toMatchObject({ kind: 'invalid', message: 'its matrix could not be expanded: matrix.file: ${{ tasks.find.outputs.answer.files }} reads empty: output "answer" of "find" has no member "files"' });
    expect(task(runProject({ 'workflow.yaml': member('{"files":[]}') }).result, 'review')).toMatchObject({ status: 'succeeded', reason: 'empty-matrix' });
    // Set empty, it is an empty list; after a failure continueOnError allows, there is nothing to fan out over either.
    expect(task(runProject({ 'workflow.yaml': fanOut('echo "files=" >> $ORCHESTRATE_OUTPUT') }).result, 'review')).toMatchObject({ status: 'succeeded', reason: 'empty-matrix' });
    const allowed = runProject({ 'workflow.yaml': fanOut('exit 1').replace("run: 'exit 1' }", "run: 'exit 1', continueOnError: true }") });
    expect(allowed.code).toBe(0);
    expect(task(allowed.result, 'review')).toMatchObject({ status: 'succeeded', reason: 'empty-matrix' });
    expect(task(allowed.result, 'report').status).toBe('succeeded');
  });

  it('fails before any expansion runs when there are too many or an artifact became the whole file system', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  find:
    run: |
      { echo 'many<<EOF'; seq 10001; echo EOF; } >> "$ORCHESTRATE_OUTPUT"
      echo 'dirs=["out", ""]' >> "$ORCHESTRATE_OUTPUT"
  many: { needs: find, matrix: { n: "\${{ tasks.find.outputs.many }}" }, run: "true" }
  build: { needs: find, matrix: { dir: "\${{ tasks.find.outputs.dirs }}" }, run: "true", artifacts: ["\${{ matrix.dir }}/**"] }
`,
    });
    expect(r.code).toBe(1);
    checkStream(r.events, r.result);
    expect(task(r.result, 'many').errors[0].message).toBe('its matrix could not be expanded: it expands to 10001 tasks; at most 10000 are allowed');
    expect(task(r.result, 'build').errors[0].message).toBe('its matrix could not be expanded: build[]: artifacts entry "/**" is the whole file system');
    expect(r.events.filter((e) => e.type === 'task.started').map((e) => e.taskId)).toEqual(['find']);
  });

  it('checks `when` per expansion, is planned as one task, then as the expansions a run gave it, and resumes by running only the expansions that did not succeed', () => {
    const withWhen = workflow('a.ts\\nskip.ts\\n').replace('    run: test "$FILE"', '    when: matrix.file != \'skip.ts\'\n    run: test "$FILE"');
    const before = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: tempProject({ 'workflow.yaml': withWhen }) }).stdout);
    expect(before.tasks.map((t: any) => t.id)).toEqual(['find', 'review', 'report']);
    expect(before.warnings).toContain('task "review" expands when the run gets there (its matrix comes from ${{ tasks.find.outputs.files }}, ${{ tasks.find.outputs.passes }}): planned as one task');
    const r = runProject({ 'workflow.yaml': withWhen });
    expect(r.code, r.stderr).toBe(0);
    expect(task(r.result, 'review[skip.ts,1]')).toMatchObject({ status: 'skipped', reason: 'condition' });
    expect(task(r.result, 'review[a.ts,2]').status).toBe('succeeded');
    expect(task(r.result, 'review').status).toBe('succeeded');

    // The expansions the run had, but those its `when` skipped, each at the time it took there; report needs them all.
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: r.dir }).stdout);
    expect(plan.tasks.map((t: any) => t.id)).toEqual(['find', 'review[a.ts,1]', 'review[a.ts,2]', 'report']);
    expect(plan.tasks[1].estimateSource).toBe('history');
    expect(Math.abs(plan.tasks[1].estimate - task(r.result, 'review[a.ts,1]').durationMs / 1000)).toBeLessThan(0.005);
    expect(plan.tasks[3].needs).toEqual(['review[a.ts,1]', 'review[a.ts,2]']);
    expect(plan.warnings).toContain(`task "review" expands when the run gets there (its matrix comes from \${{ tasks.find.outputs.files }}, \${{ tasks.find.outputs.passes }}): planned as the 2 expansions it had in run ${r.result.runId}`);
    // A plan of some expansions counts those; its text shows them as tasks.
    expect(JSON.parse(cli(['plan', 'workflow.yaml', '--json', '--only', 'review[*,2]'], { cwd: r.dir }).stdout).tasks.map((t: any) => t.id)).toEqual(['find', 'review[a.ts,2]']);
    // What each runs is its task's command, its matrix values still templates: only the run knows them.
    expect(cli(['plan', 'workflow.yaml', '--commands'], { cwd: r.dir }).stdout).toContain('  review[a.ts,2]\n    test "$FILE" != bad.ts && echo "$FILE:${{ matrix.pass }}" >> reviewed.txt\n');
    expect(cli(['plan', 'workflow.yaml'], { cwd: r.dir }).stdout).toMatch(/\n {4}2 {2}review\[a\.ts,1\]\*? \([\d.]+m?s, history\), review\[a\.ts,2\]\*? \([\d.]+m?s, history\)\n/);

    // A failed run resumed: find is reused, the matrix expands again, and only the expansions that failed run.
    const failing = runProject({ 'workflow.yaml': workflow('a.ts\\nbad.ts\\n').replace('test "$FILE" != bad.ts', 'test "$FILE" != bad.ts -o ! -f broken'), broken: '' });
    expect(failing.code).toBe(1);
    expect(task(failing.result, 'review[bad.ts,2]').status).toBe('failed');
    rmSync(join(failing.dir, 'broken'));
    // Its dry run plans the expansions that succeeded as reused, and runs the others.
    const dry = JSON.parse(cli(['run', 'workflow.yaml', '--resume', '--dry-run', '--json'], { cwd: failing.dir }).stdout);
    expect(dry.tasks.map((t: any) => [t.id, t.estimateSource === 'reused'])).toEqual([
      ['find', true], ['review[a.ts,1]', true], ['review[a.ts,2]', true], ['review[bad.ts,1]', false], ['review[bad.ts,2]', false], ['report', false],
    ]);
    expect(dry.reusedExpansions).toBeUndefined();
    const resumed = cli(['run', 'workflow.yaml', '--resume', '--json'], { cwd: failing.dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout);
    expect(task(result, 'find').reason).toBe('reused');
    expect(task(result, 'review').status).toBe('succeeded');
    expect(result.tasks.filter((t: any) => t.id.startsWith('review[')).map((t: any) => [t.id, t.status, t.reason ?? null])).toEqual([
      ['review[a.ts,1]', 'succeeded', 'reused'], ['review[a.ts,2]', 'succeeded', 'reused'], ['review[bad.ts,1]', 'succeeded', null], ['review[bad.ts,2]', 'succeeded', null],
    ]);
    // Each expansion's work was done once, over the two runs; what needs the matrix saw all of it.
    expect(readFileSync(join(failing.dir, 'reviewed.txt'), 'utf8').trim().split('\n').sort()).toEqual(['a.ts:1', 'a.ts:2', 'bad.ts:1', 'bad.ts:2']);
    expect(readFileSync(join(failing.dir, 'count.txt'), 'utf8').trim()).toBe('4');
    expect(result.merged.summary).toContain('3 tasks reused');
  });

  it('runs only the expansions that task names select, all of them when the task is needed as a whole', () => {
    const dir = runProject({ 'workflow.yaml': workflow('a.ts\\nb.ts\\n') }, ['--only', 'find']).dir;
    const run = (...args: string[]) => {
      rmSync(join(dir, 'reviewed.txt'), { force: true });
      const r = cli(['run', 'workflow.yaml', '--json', ...args], { cwd: dir });
      const reviewed = readFileSync(join(dir, 'reviewed.txt'), 'utf8').trim().split('\n').sort();
      return { code: r.code, stderr: r.stderr, result: JSON.parse(r.stdout), reviewed };
    };
    // Names of expansions known only at run time are accepted, patterns too; what the task needs runs.
    const one = run('review[b.ts,2]');
    expect(one.code, one.stderr).toBe(0);
    expect(one.result.tasks.map((t: any) => t.id)).toEqual(['find', 'review', 'review[b.ts,2]']);
    expect(one.reviewed).toEqual(['b.ts:2']);
    const some = run('--only', 'review[a.ts,*]');
    expect(some.code, some.stderr).toBe(0);
    expect(some.reviewed).toEqual(['a.ts:1', 'a.ts:2']);
    // report needs the whole matrix: every expansion runs.
    const whole = run('review[a.ts,1]', 'report');
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.reviewed).toEqual(['a.ts:1', 'a.ts:2', 'b.ts:1', 'b.ts:2']);
    // A name that matches no expansion once the list is known fails the task, saying what there was.
    const none = cli(['run', 'workflow.yaml', '--json', 'review[c.ts,1]'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(task(JSON.parse(none.stdout), 'review').errors[0]).toMatchObject({ kind: 'invalid', message: 'none of its 4 expansions is among the tasks selected to run (it expanded to review[a.ts,1], review[a.ts,2], review[b.ts,1], review[b.ts,2])' });
    const single = runProject({ 'workflow.yaml': workflow('a.ts\\n').replace("'passes=[1, 2]'", "'passes=[1]'") }, ['review[b.ts,1]']);
    expect(task(single.result, 'review').errors[0].message).toBe('its only expansion is not among the tasks selected to run (it expanded to review[a.ts,1])');
    // A static-looking name of an unknown task is still refused before anything runs.
    expect(cli(['run', 'workflow.yaml', 'revue[a.ts,1]'], { cwd: dir }).stderr).toBe('orchestrate: no task "revue[a.ts,1]" in workflow (did you mean "review[a.ts,1]"?)\n');
  });

  it('starts the expansions that took longest in history first, as the plan counts them', () => {
    const r = runProject({ 'workflow.yaml': `version: 1
tasks:
  find: { run: "printf 'a 0.05\\nb 0.6\\nc 0.3\\n'", captureStdout: jobs }
  work:
    needs: find
    matrix:
      job: \${{ tasks.find.outputs.jobs }}
    maxParallel: 1
    env: { JOB: "\${{ matrix.job }}" }
    run: sleep "\${JOB#* }"
` });
    expect(r.code, r.stderr).toBe(0);
    const order = (events: any[]) => events.filter((e) => e.type === 'task.started' && e.taskId.startsWith('work[')).map((e) => e.taskId);
    // With no history, in the list's order.
    expect(order(r.events)).toEqual(['work[a 0.05]', 'work[b 0.6]', 'work[c 0.3]']);
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: r.dir }).stdout);
    const planned = plan.tasks.filter((t: any) => t.id.startsWith('work[')).sort((x: any, y: any) => x.start - y.start).map((t: any) => t.id);
    expect(planned).toEqual(['work[b 0.6]', 'work[c 0.3]', 'work[a 0.05]']);
    const again = cli(['run', 'workflow.yaml', '--json', '--events', 'again.jsonl'], { cwd: r.dir });
    expect(again.code, again.stderr).toBe(0);
    expect(order(readFileSync(join(r.dir, 'again.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)))).toEqual(planned);
  });

  it('says in the summary when a fan-out had more or fewer expansions than the plan counted', () => {
    const fanOut = `version: 1
tasks:
  find: { run: "cat files", captureStdout: files, estimate: 10ms }
  review:
    needs: find
    matrix:
      file: \${{ tasks.find.outputs.files }}
    run: "true"
    estimate: 10ms
`;
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': fanOut, files: 'a\nb\n' });
    const estimate = () => {
      const r = cli(['run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.split('\n').find((line) => line.startsWith('  estimate '));
    };
    expect(estimate()).toMatch(/^ {2}estimate {3}planned \S+, actual \S+ \([+-]\d+%; review had 2 expansions, planned as one task\)$/);
    // As many as the run before: nothing to say.
    expect(estimate()).toMatch(/^ {2}estimate {3}planned \S+, actual \S+ \([+-]\d+%\)$/);
    writeFileSync(join(dir, 'files'), 'a\nb\nc\nd\ne\n');
    expect(estimate()).toMatch(/; review had 5 expansions, planned as 2\)$/);
  });

  it('hands a fan-in the outputs of all the expansions as a JSON list, written matrix or from outputs', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  find: { run: "printf 'a.ts\\nb.ts\\nc.ts\\n'", captureStdout: files }
  review:
    needs: find
    matrix: { file: "\${{ tasks.find.outputs.files }}" }
    run: test \${{ matrix.file }} = c.ts || echo "ok \${{ matrix.file }}"
    captureStdout: verdict
  lint:
    matrix: { dir: [src, test] }
    run: echo "n=\${{ matrix.dir }}" >> "$ORCHESTRATE_OUTPUT"
  summarize:
    needs: [review, lint]
    env:
      VERDICTS: "\${{ tasks.review.outputs.verdict }}"
      FIRST: "\${{ tasks.review.outputs.verdict.0 }}"
      LINTED: "\${{ tasks.lint.outputs.n }}"
    run: printf '%s|%s|%s' "$VERDICTS" "$FIRST" "$LINTED" > summary.txt
`,
    });
    expect(r.code, r.stderr).toBe(0);
    checkStream(r.events, r.result);
    // In the expansions' order; one that printed nothing gives an empty value.
    expect(readFileSync(join(r.dir, 'summary.txt'), 'utf8')).toBe('["ok a.ts","ok b.ts",""]|ok a.ts|["src","test"]');
    // Lint: a task that does not need the whole matrix cannot read it.
    writeFileSync(join(r.dir, 'bad.yaml'), 'version: 1\ntasks:\n  lint: { matrix: { dir: [src, test] }, run: "true" }\n  one: { needs: "lint[src]", run: "echo ${{ tasks.lint.outputs.n }}" }\n');
    const diagnostics = JSON.parse(cli(['lint', 'bad.yaml', '--format', 'json'], { cwd: r.dir }).stdout)[0].diagnostics;
    expect(diagnostics.map((d: any) => [d.code, d.message])).toEqual([
      ['unknown-reference', 'task "one" uses ${{ tasks.lint.outputs.n }}, the outputs of all of matrix task "lint", but does not need all of it (directly or indirectly): add "lint" to `needs`, or name one expansion, e.g. "lint[src]"'],
    ]);
  });

  it('reads a member of every expansion\'s JSON answer through a path, or of one by its index, in env and in when', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  find: { run: "printf 'a.ts\\nb.ts\\nc.ts\\n'", captureStdout: files }
  review:
    needs: find
    matrix: { file: "\${{ tasks.find.outputs.files }}" }
    run: if [ \${{ matrix.file }} = b.ts ]; then echo '{"verdict":"reject","score":0.2}'; else echo '{"verdict":"approve","score":0.9}'; fi
    captureStdout: answer
  summarize:
    needs: review
    env:
      VERDICTS: "\${{ tasks.review.outputs.answer.verdict }}"
      SCORES: "\${{ tasks.review.outputs.answer.score }}"
      SECOND: "\${{ tasks.review.outputs.answer.1.verdict }}"
    run: printf '%s|%s|%s' "$VERDICTS" "$SCORES" "$SECOND" > summary.txt
  escalate:
    needs: review
    when: "contains(tasks.review.outputs.answer.verdict, 'reject')"
    run: touch escalated
  celebrate:
    needs: review
    when: "!contains(tasks.review.outputs.answer.verdict, 'reject')"
    run: touch celebrated
`,
    });
    expect(r.code, r.stderr).toBe(0);
    checkStream(r.events, r.result);
    expect(readFileSync(join(r.dir, 'summary.txt'), 'utf8')).toBe('["approve","reject","approve"]|[0.9,0.2,0.9]|reject');
    expect(existsSync(join(r.dir, 'escalated'))).toBe(true);
    expect(existsSync(join(r.dir, 'celebrated'))).toBe(false);
  });

  it('is refused by lint when the matrix value is not one output or input template, or the task has sources', () => {
    const dir = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' }).dir;
    const lint = (yaml: string) => {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, yaml);
      return JSON.parse(cli(['lint', 'bad.yaml', '--format', 'json'], { cwd: dir }).stdout)[0].diagnostics.map((d: any) => [d.code, d.line, d.column, d.message]);
    };
    const head = 'version: 1\ninputs: { x: { default: a } }\ntasks:\n  find: { run: "true" }\n';
    expect(lint(`${head}  r: { run: "true", needs: find, matrix: { f: a.ts } }\n`)).toEqual([
      ['schema', 5, 47, 'tasks.r.matrix.f must be a list of values, or one template of an input or another task\'s output such as "${{ tasks.ID.outputs.KEY }}"; got "a.ts"'],
    ]);
    expect(lint(`${head}  r: { run: "true", needs: find, matrix: { f: "\${{ env.X }}" } }\n`)[0]!.slice(0, 3)).toEqual(['bad-matrix', 5, 47]);
    expect(lint(`${head}  r: { run: "true", needs: find, matrix: { f: "\${{ tasks.find.outputs.f }}" }, sources: [src] }\n`)[0]).toEqual(['bad-matrix', 5, 89, 'task "r": its matrix comes from an output known only at run time, so it cannot have `sources` (they are fingerprinted before anything runs)']);
    expect(lint(`${head}  other: { run: "true" }\n  r: { run: "true", needs: find, matrix: { f: "\${{ tasks.other.outputs.f }}" } }\n`)[0]![0]).toBe('unknown-reference');
    // What needs the whole matrix reads its expansions' outputs, as a list.
    expect(lint(`${head}  r: { run: "true", needs: find, matrix: { f: "\${{ tasks.find.outputs.f }}" } }\n  s: { run: "echo \${{ tasks.r.outputs.y }}", needs: r }\n`)).toEqual([]);
  });

  it('takes a key from an input: expanded before the run when the input has a value, planned as one task when it has none', () => {
    const yaml = `version: 1
inputs:
  targets: { default: '["staging"]' }
  regions: { description: one per line }
tasks:
  deploy:
    matrix:
      target: \${{ inputs.targets }}
      region: \${{ inputs.regions }}
    run: echo "\${{ matrix.target }}/\${{ matrix.region }}" >> deployed.txt
  after: { run: "true", needs: deploy }
`;
    const r = runProject({ 'workflow.yaml': yaml }, ['-i', 'regions=eu\nus', '-i', 'targets=["staging", "prod"]']);
    expect(r.code, r.stderr).toBe(0);
    checkStream(r.events, r.result);
    expect(r.result.tasks.map((t: any) => t.id)).toEqual(['deploy[staging,eu]', 'deploy[staging,us]', 'deploy[prod,eu]', 'deploy[prod,us]', 'after']);
    // Known before the run: they are part of it from the start.
    expect(r.events[0]).toMatchObject({ type: 'workflow.started', tasks: 5 });
    expect(readFileSync(join(r.dir, 'deployed.txt'), 'utf8').trim().split('\n').sort()).toEqual(['prod/eu', 'prod/us', 'staging/eu', 'staging/us']);

    expect(cli(['lint', 'workflow.yaml'], { cwd: r.dir }).code).toBe(0);
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: r.dir }).stdout);
    expect(plan.tasks.map((t: any) => t.id)).toEqual(['deploy', 'after']);
    expect(plan.warnings).toEqual(['task "deploy": its matrix comes from ${{ inputs.regions }}, which has no value here (give it with -i): planned as one task']);

    // Values that give nothing to run, or JSON that is not a list: refused before anything runs, at the key.
    const empty = cli(['run', 'workflow.yaml', '-i', 'regions='], { cwd: r.dir });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('error  task "deploy": its matrix has nothing to run with the value of input "targets" and input "regions"  [empty-matrix]');
    expect(empty.stderr).not.toContain('unknown-need');
    const notAList = cli(['run', 'workflow.yaml', '-i', 'regions=eu', '-i', 'targets={"a": 1}'], { cwd: r.dir });
    expect(notAList.code).toBe(2);
    expect(notAList.stderr).toContain('workflow.yaml:8:15  error  task "deploy": matrix.target: ${{ inputs.targets }} is JSON but not a list of strings, numbers and booleans  [bad-matrix]');
  });
});

// Seeded random fan-outs over outputs (a list of random length, some values a `when` skips, other
// tasks beside and after them, limits), run, then planned: the plan counts exactly the expansions
// the run ran, in place of their task, needed by what needs it, and its JSON fits the schema.
describe('a plan of a fan-out a run has expanded', () => {
  const validatePlan = validator('plan');
  // Seed 7 skips every value it finds.
  for (const seed of [1, 2, 3, 4, 7]) {
    it(`seed ${seed}`, () => {
      const rnd = seededRandom(seed);
      const values = Array.from({ length: 1 + Math.floor(rnd() * 6) }, (_, k) => (rnd() < 0.25 ? `skip${k}` : `v${k}`));
      const lines = [
        'version: 1',
        `policy: { maxConcurrency: ${1 + Math.floor(rnd() * 4)} }`,
        'tasks:',
        `  find: { run: "printf '${values.join('\\\\n')}\\\\n'", captureStdout: list }`,
        '  fan:',
        '    needs: find',
        '    matrix:',
        '      x: ${{ tasks.find.outputs.list }}',
        "    when: \"!startsWith(matrix.x, 'skip')\"",
        ...(rnd() < 0.5 ? [`    maxParallel: ${1 + Math.floor(rnd() * 2)}`] : []),
        '    run: "sleep 0.0$((RANDOM % 5))"',
        '  beside: { run: "true" }',
        '  after: { needs: [fan, beside], run: "true" }',
      ];
      const r = runProject({ 'workflow.yaml': `${lines.join('\n')}\n` });
      const ctx = `seed ${seed}\n${lines.join('\n')}`;
      expect(r.code, `${ctx}\n${r.stderr}`).toBe(0);
      const ran = r.result.tasks.filter((t: any) => t.id.startsWith('fan[') && t.reason !== 'condition').map((t: any) => t.id).sort();
      expect(ran, ctx).toHaveLength(values.filter((v) => !v.startsWith('skip')).length);
      const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: r.dir }).stdout);
      expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
      const ids = plan.tasks.map((t: any) => t.id);
      // With every value skipped there is nothing to count one by one: the task is planned whole.
      const expected = ran.length ? ran : ['fan'];
      expect(ids.filter((id: string) => id.startsWith('fan')).sort(), ctx).toEqual(expected);
      expect(plan.tasks.find((t: any) => t.id === 'after').needs.sort(), ctx).toEqual([...expected, 'beside'].sort());
      for (const id of ran) expect(plan.tasks.find((t: any) => t.id === id).estimateSource, ctx).toBe('history');
      expect(plan.estimate.serial, ctx).toBeCloseTo(plan.tasks.reduce((sum: number, t: any) => sum + t.estimate + (t.retryTime ?? 0), 0), 2);
    });
  }
});
