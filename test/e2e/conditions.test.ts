import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';
import { validator } from '../helpers/schemas.js';

const validateEvent = validator('events');
const validateResult = validator('result');

const workflow = `version: 1
inputs:
  target: { default: staging }
  dry-run: { type: boolean, default: false }
tasks:
  changes:
    run: echo "docs=true" >> "$ORCHESTRATE_OUTPUT" && echo "code=false" >> "$ORCHESTRATE_OUTPUT"
  docs:
    needs: changes
    when: tasks.changes.outputs.docs == 'true'
    run: echo docs >> ran
  code:
    needs: changes
    when: \${{ tasks.changes.outputs.code == 'true' }}
    run: echo code >> ran
  after-code:
    needs: code
    run: echo after-code >> ran
  deploy:
    needs: docs
    when: inputs.target == 'production' && !inputs.dry-run
    run: echo deploy >> ran
  notify:
    needs: deploy
    if: always
    run: echo notify >> ran
`;

function run(dir: string, args: string[] = []) {
  const r = cli(['run', 'workflow.yaml', '--json', ...args], { cwd: dir });
  const result = JSON.parse(r.stdout);
  expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
  const events = readFileSync(join(result.logDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  for (const e of events) expect(validateEvent(e), JSON.stringify(validateEvent.errors)).toBe(true);
  const ran = readFileSync(join(dir, 'ran'), 'utf8').trim().split('\n');
  return { code: r.code, result, ran, tasks: Object.fromEntries(result.tasks.map((t: any) => [t.id, t.reason ? `${t.status} (${t.reason})` : t.status])) };
}

describe('when conditions', () => {
  it('skip a task whose condition is false, and what needs it, without failing the run', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow });
    const r = run(dir);
    expect(r.code).toBe(0);
    expect(r.result.status).toBe('succeeded');
    expect(r.tasks).toEqual({
      changes: 'succeeded', docs: 'succeeded', code: 'skipped (condition)', 'after-code': 'skipped (dependency-skipped)',
      deploy: 'skipped (condition)', notify: 'succeeded',
    });
    expect(r.ran).toEqual(['docs', 'notify']);
  });

  it('say, when one skips a task, which output it read that was never set: in the event and the line of the run', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
tasks:
  review: { run: 'echo "answer={\\"verdict\\":\\"approve\\"}" >> $ORCHESTRATE_OUTPUT; echo x >> ran' }
  deploy: { needs: review, when: "tasks.review.outputs.verdict == 'approve' || tasks.review.outputs.answer.verdcit == 'approve'", run: echo deploy >> ran }
  reject: { needs: review, when: "tasks.review.outputs.answer.verdict == 'reject'", run: echo reject >> ran }
` });
    const r = run(dir);
    expect(r.tasks).toMatchObject({ deploy: 'skipped (condition)', reject: 'skipped (condition)' });
    const skipped = readFileSync(join(r.result.logDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'task.skipped');
    expect(skipped.map((e) => [e.taskId, e.message])).toEqual([
      ['deploy', 'tasks.review.outputs.verdict reads empty: "review" set no output "verdict" (it set "answer"); tasks.review.outputs.answer.verdcit reads empty: output "answer" of "review" has no member "verdcit"'],
      // A value that was there and did not match is the condition's choice: nothing to say.
      ['reject', undefined],
    ]);
    expect(cli(['run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir }).stdout).toMatch(/ skip {2}deploy \(condition: tasks\.review\.outputs\.verdict reads empty: "review" set no output "verdict" \(it set "answer"\); /);
  });

  it('compare text ignoring case, as GitHub Actions does: a condition on runner.os written in lower case holds', () => {
    const os = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' }[process.platform as string] ?? process.platform;
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1\ninputs: { target: { default: Production } }\ntasks:\n  here: { run: echo here >> ran, when: "runner.os == '${os.toLowerCase()}'" }\n  prod: { run: echo prod >> ran, when: "inputs.target == 'production'" }\n  not-here: { run: echo not-here >> ran, when: "runner.os != '${os.toUpperCase()}'" }\n`,
    });
    const r = run(dir);
    expect(r.tasks).toEqual({ here: 'succeeded', prod: 'succeeded', 'not-here': 'skipped (condition)' });
    expect(r.ran.sort()).toEqual(['here', 'prod']);
  });

  it('read inputs, and a resume checks the condition again when an input it reads changed', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow.replace('run: echo notify >> ran', 'run: echo notify >> ran && test -f ok') });
    const first = run(dir, ['-i', 'target=production']);
    expect(first.code).toBe(1);
    expect(first.tasks.deploy).toBe('succeeded');
    expect(first.tasks.notify).toBe('failed');
    const resumed = run(dir, ['--resume', '-i', 'dry-run=true']);
    // The dry-run input is read by deploy's condition only: deploy is checked again (and skipped), notify runs.
    expect(resumed.tasks).toMatchObject({ changes: 'succeeded (reused)', docs: 'succeeded (reused)', deploy: 'skipped (condition)' });
    expect(resumed.ran).toEqual(['docs', 'deploy', 'notify', 'notify']);
  });

  it('are known to the plan when they read only inputs, matrix values and params', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `${workflow}  verify:\n    needs: deploy\n    run: echo verify >> ran\n` });
    const plan = (args: string[] = []) => {
      const p = JSON.parse(cli(['plan', 'workflow.yaml', '--json', ...args], { cwd: dir }).stdout);
      return Object.fromEntries(p.tasks.map((t: any) => [t.id, t.estimateSource === 'condition' ? 0 : t.estimate]));
    };
    // deploy's condition is false with the default target; verify needs it (if: success); notify runs always;
    // code's condition reads an output: decided at run time, so the plan counts it.
    expect(plan()).toEqual({ changes: 10, docs: 10, code: 10, 'after-code': 10, deploy: 0, notify: 10, verify: 0 });
    expect(plan(['-i', 'target=production'])).toMatchObject({ deploy: 10, verify: 10 });
    expect(cli(['plan', 'workflow.yaml'], { cwd: dir }).stdout).toContain('Skipped: 2 tasks (a false `when`, not run, 0s): deploy, verify');
  });

  it('are checked by lint: syntax, and every reference as in templates', () => {
    const dir = tempProject({
      'workflow.yaml': `version: 1
inputs:
  target: {}
tasks:
  a:
    run: "true"
    when: inputs.target ==
  b:
    run: "true"
    when: inputs.traget == 'x' || tasks.c.outputs.k == 'y'
  c:
    run: "true"
`,
    });
    const r = cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)[0].diagnostics.map((d: any) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([
      '7:11 bad-condition task "a": its `when` condition is not valid: expected a value at the end',
      '10:11 unknown-reference task "b" uses inputs.traget, but the workflow has no input "traget" (did you mean "target"?)',
      '10:35 unknown-reference task "b" uses tasks.c.outputs.k, but "c" is not among the tasks it needs (directly or indirectly), so its outputs may not exist yet: add it to `needs`',
    ]);
  });

  it('read the machine from runner.os and runner.arch, in templates too, known to the plan (GitHub\'s runner context)', () => {
    const os = { linux: 'Linux', darwin: 'macOS' }[process.platform as string] ?? process.platform;
    const arch = { x64: 'X64', arm64: 'ARM64' }[process.arch as string] ?? process.arch.toUpperCase();
    const other = os === 'Linux' ? 'macOS' : 'Linux';
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  here: { run: "echo \${{ runner.os }}/\${{ runner.arch }} > machine.txt; test -d \${{ runner.temp }}", when: "runner.os == '${os}'" }
  elsewhere: { run: "touch elsewhere.txt", when: "runner.os == '${other}'" }
`,
    });
    const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'machine.txt'), 'utf8')).toBe(`${os}/${arch}\n`);
    expect(JSON.parse(r.stdout).tasks.map((t: any) => [t.id, t.status, t.reason ?? null])).toEqual([['here', 'succeeded', null], ['elsewhere', 'skipped', 'condition']]);
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(plan.tasks.find((t: any) => t.id === 'elsewhere').estimateSource).toBe('condition');
    // An unknown key is an unknown reference, in templates and conditions.
    const bad = tempProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo ${{ runner.cpu }}", when: "runner.name == \'x\'" }\n' });
    const lint = JSON.parse(cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: bad }).stdout)[0].diagnostics.map((d: any) => `${d.code} ${d.message}`);
    expect(lint).toEqual([
      'unknown-reference task "a" uses ${{ runner.cpu }}, but the runner context has os, arch, temp',
      'unknown-reference task "a" uses runner.name, but the runner context has os, arch, temp',
    ]);
  });

  it('gate on a score with >= and on a label with contains: an evaluator\'s output decides what runs next', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
inputs:
  branch: { default: release/2.0 }
tasks:
  evaluate:
    run: |
      echo "score=0.83" >> "$ORCHESTRATE_OUTPUT"
      echo 'labels=["needs-docs", "Ship"]' >> "$ORCHESTRATE_OUTPUT"
  publish: { needs: evaluate, when: "tasks.evaluate.outputs.score >= 0.8 && startsWith(inputs.branch, 'release/')", run: "touch published" }
  revise: { needs: evaluate, when: "tasks.evaluate.outputs.score < 0.8", run: "touch revised" }
  docs: { needs: evaluate, when: "contains(tasks.evaluate.outputs.labels, 'NEEDS-DOCS')", run: "touch docs" }
  hotfix: { needs: evaluate, when: "\${{ endsWith(inputs.branch, '-hotfix') }}", run: "touch hotfix" }
`,
    });
    const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).tasks.map((t: any) => `${t.id} ${t.status}`)).toEqual(['evaluate succeeded', 'publish succeeded', 'revise skipped', 'docs succeeded', 'hotfix skipped']);
    expect(['published', 'revised', 'docs', 'hotfix'].filter((f) => existsSync(join(dir, f)))).toEqual(['published', 'docs']);
    // Decided from inputs alone, the plan knows; a typo in a function is a lint error at the key.
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json', '-i', 'branch=main-hotfix'], { cwd: dir }).stdout);
    expect(plan.tasks.find((t: any) => t.id === 'hotfix').estimateSource).not.toBe('condition');
    const byDefault = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(byDefault.tasks.find((t: any) => t.id === 'hotfix').estimateSource).toBe('condition');
    const bad = tempProject({ 'workflow.yaml': "version: 1\ntasks:\n  a: { run: 'true', when: \"startswith(inputs.x, 'a')\" }\n" });
    const lint = JSON.parse(cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: bad }).stdout)[0].diagnostics;
    expect(lint.map((d: any) => [d.code, d.line])).toEqual([['bad-condition', 3]]);
    expect(lint[0].message).toContain('unexpected "startswith"');
  });

  it('take a YAML true or false as that condition: when: false skips the task, as GitHub Actions\' if: false', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  off: { run: touch off, when: false }\n  on: { run: touch on, when: true }\n  after-off: { run: touch after, needs: off }\n' });
    expect(cli(['lint', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(plan.tasks.map((t: any) => [t.id, t.estimateSource])).toEqual([['off', 'condition'], ['on', 'default'], ['after-off', 'condition']]);
    const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).tasks.map((t: any) => `${t.id} ${t.status} ${t.reason ?? ''}`)).toEqual(['off skipped condition', 'on succeeded ', 'after-off skipped dependency-skipped']);
    expect(['off', 'on', 'after'].filter((f) => existsSync(join(dir, f)))).toEqual(['on']);
    // In `if`, a boolean is pointed to `when`.
    const wrong = tempProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true", if: false }\n' });
    expect(cli(['lint', 'workflow.yaml'], { cwd: wrong }).stdout).toContain('tasks.a.if must be one of success, failure, always; got false: it says after which end of its needs the task runs; a condition goes in `when` (when: false)  [schema]');
  });
  it('after a failure allowed by continueOnError: if: failure does not run, as lint warns; if: always with a condition on its status does', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  flaky: { run: "exit 1", continueOnError: true }
  notify: { needs: flaky, if: failure, run: echo notify >> ran }
  alert: { needs: flaky, if: always, when: "tasks.flaky.status == 'failed'", run: echo alert >> ran }
`,
    });
    const lint = cli(['lint', 'workflow.yaml'], { cwd: dir });
    expect(lint.stdout).toContain('workflow.yaml:4:31  warning  task "notify" has `if: failure`, but every task it needs has `continueOnError: true`');
    expect(lint.stdout).toContain("use `if: always` with `when: tasks.flaky.status == 'failed'`  [failure-after-allowed-failure]");
    const r = run(dir);
    expect(r.code).toBe(0);
    expect(r.tasks).toEqual({ flaky: 'failed (continue-on-error)', notify: 'skipped (no-failure)', alert: 'succeeded' });
    expect(r.ran).toEqual(['alert']);
  });
});
