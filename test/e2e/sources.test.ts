import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';
import { validator } from '../helpers/schemas.js';

const validateEvent = validator('events');
const validatePlan = validator('plan');

// Each task appends to a marker file, so a test can count how often it really ran.
const workflow = `version: 1
inputs:
  flavour: { default: plain }
tasks:
  build:
    sources: [src, "\${{ inputs.flavour }}.cfg"]
    artifacts: [dist/out.txt]
    run: test ! -f fail && mkdir -p dist && cat src/*.txt > dist/out.txt && echo "lines=$(wc -l < dist/out.txt)" >> "$ORCHESTRATE_OUTPUT" && echo x >> build.ran
  test:
    needs: build
    sources: ["dist/*.txt"]
    run: echo x >> test.ran
  report:
    needs: test
    run: echo "\${{ tasks.build.outputs.lines }}" >> report.ran
  lint:
    sources: [lint.cfg]
    run: echo x >> lint.ran
`;

const count = (dir: string, name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').trim().split('\n').length : 0);
const runs = (dir: string) => ['build', 'test', 'report', 'lint'].map((t) => count(dir, `${t}.ran`));

function run(dir: string, args: string[] = []): any {
  const r = cli(['run', 'workflow.yaml', '--json', ...args], { cwd: dir });
  const result = JSON.parse(r.stdout);
  const events = readFileSync(join(result.logDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  for (const e of events) expect(validateEvent(e), JSON.stringify(validateEvent.errors)).toBe(true);
  return { code: r.code, result, events, reasons: Object.fromEntries(result.tasks.map((t: any) => [t.id, t.reason ?? t.status])) };
}

function project(): string {
  return tempProject({ 'package.json': '{}', 'workflow.yaml': workflow, 'src/a.txt': 'a\n', 'src/b.txt': 'b\n', 'plain.cfg': '', 'lint.cfg': '' });
}

describe('tasks with sources', () => {
  it('are up to date when their sources, definition, inputs and artifacts are as when they last succeeded', () => {
    const dir = project();
    expect(run(dir).code).toBe(0);
    expect(runs(dir)).toEqual([1, 1, 1, 1]);
    const second = run(dir);
    expect(second.code).toBe(0);
    expect(second.reasons).toEqual({ build: 'up-to-date', test: 'up-to-date', report: 'succeeded', lint: 'up-to-date' });
    expect(runs(dir)).toEqual([1, 1, 2, 1]);
    // The outputs of an up-to-date task reach its dependents; the result lists its artifacts.
    expect(readFileSync(join(dir, 'report.ran'), 'utf8')).toBe('2\n2\n');
    const build = second.result.tasks.find((t: any) => t.id === 'build');
    expect(build).toMatchObject({ status: 'succeeded', attempts: 0, outputs: { lines: '2' }, artifacts: ['dist/out.txt'] });
    expect(second.events.find((e: any) => e.taskId === 'build' && e.type === 'task.succeeded')).toMatchObject({ reason: 'up-to-date', sources: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(second.result.merged.summary).toMatch(/; 3 tasks up to date$/);
    expect(second.result.merged.summary).toMatch(/\(\d+(\.\d+)?x vs serial\)/);
    // Nothing to run at all: no speedup to speak of (not "0x vs serial").
    writeFileSync(join(dir, 'only.yaml'), 'version: 1\ntasks:\n  lint: { sources: [lint.cfg], run: "echo x >> lint.ran" }\n');
    expect(cli(['run', 'only.yaml', '--renderer', 'silent'], { cwd: dir }).stdout).toMatch(/\(\d+(\.\d+)?x vs serial\)\n$/);
    expect(cli(['run', 'only.yaml', '--renderer', 'silent'], { cwd: dir }).stdout).toMatch(/^only succeeded: 1 of 1 tasks succeeded in [\d.]+s; 1 task up to date\n$/);
    // Times alone change nothing: the contents are compared.
    utimesSync(join(dir, 'src/a.txt'), new Date(2030, 1, 1), new Date(2030, 1, 1));
    expect(run(dir).reasons.build).toBe('up-to-date');
  });

  it('run every time, saying why, when a file of their sources has a name that is not UTF-8 (its changes cannot be seen)', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo x >> a.ran", sources: ["src/**"] }\n  b: { run: "echo x >> b.ran", sources: ["ok/**"] }\n', 'ok/x.txt': 'x' });
    mkdirSync(join(dir, 'src'));
    // caf\xe9.txt: Latin-1 bytes in a name, which Linux allows.
    writeFileSync(Buffer.concat([Buffer.from(join(dir, 'src/caf')), Buffer.from([0xe9]), Buffer.from('.txt')]), 'v1');
    expect(run(dir).reasons).toEqual({ a: 'succeeded', b: 'succeeded' });
    expect(run(dir).reasons).toEqual({ a: 'succeeded', b: 'up-to-date' });
    const plan = cli(['plan', 'workflow.yaml'], { cwd: dir }).stdout;
    expect(plan).toContain('a (a file of its sources has a name that is not UTF-8 text, whose content cannot be looked at ("src/caf\ufffd.txt"): rename it)');
  });

  it('run again when a source changes, with everything downstream that has sources', () => {
    const dir = project();
    run(dir);
    writeFileSync(join(dir, 'src/c.txt'), 'c\n');
    const r = run(dir);
    expect(r.reasons).toEqual({ build: 'succeeded', test: 'succeeded', report: 'succeeded', lint: 'up-to-date' });
    expect(readFileSync(join(dir, 'report.ran'), 'utf8')).toBe('2\n3\n');
    // test's own sources (dist/out.txt) changed, but it would run again anyway: its need ran.
    writeFileSync(join(dir, 'lint.cfg'), 'strict');
    expect(run(dir).reasons).toEqual({ build: 'up-to-date', test: 'up-to-date', report: 'succeeded', lint: 'succeeded' });
  });

  it('take a path with glob characters that exists for that path (Next.js pages/[id].tsx), in sources, artifacts and --since', () => {
    const dir = tempProject({
      'package.json': '{}', 'pages/[id].tsx': 'v1', 'pages/i.tsx': 'other',
      'workflow.yaml': 'version: 1\ntasks:\n  page: { run: "echo x >> page.ran; cp \'pages/[id].tsx\' \'out/[id].js\'", sources: ["pages/[id].tsx"], artifacts: ["out/[id].js"] }\n  escaped: { run: "echo x >> escaped.ran", sources: ["pages/\\\\[id\\\\].tsx"] }\n  locales: { run: "echo x >> locales.ran", sources: ["locales/[lang]"] }\n',
      'out/.keep': '', 'locales/[lang]/en.json': '{}', 'locales/l/x.json': '{}',
    });
    const reasons = () => Object.fromEntries(run(dir).result.tasks.map((t: any) => [t.id, t.reason ?? t.status]));
    expect(reasons()).toEqual({ page: 'succeeded', escaped: 'succeeded', locales: 'succeeded' });
    expect(readFileSync(join(dir, 'out/[id].js'), 'utf8')).toBe('v1');
    // A directory of that kind is everything under it, and only that.
    writeFileSync(join(dir, 'locales/l/x.json'), '{"changed":1}');
    expect(reasons()).toEqual({ page: 'up-to-date', escaped: 'up-to-date', locales: 'up-to-date' });
    writeFileSync(join(dir, 'locales/[lang]/en.json'), '{"changed":1}');
    expect(reasons()).toEqual({ page: 'up-to-date', escaped: 'up-to-date', locales: 'succeeded' });
    // The file of that name changed: both run again (it was taken as [id] = "i" or "d", which did not change).
    writeFileSync(join(dir, 'pages/[id].tsx'), 'v2');
    expect(reasons()).toEqual({ page: 'succeeded', escaped: 'succeeded', locales: 'up-to-date' });
    writeFileSync(join(dir, 'pages/i.tsx'), 'changed');
    expect(reasons()).toEqual({ page: 'up-to-date', escaped: 'up-to-date', locales: 'up-to-date' });
    expect([count(dir, 'page.ran'), count(dir, 'escaped.ran')]).toEqual([2, 2]);
    // --since finds it by that name too.
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'one');
    writeFileSync(join(dir, 'pages/[id].tsx'), 'v3');
    const since = JSON.parse(cli(['run', 'workflow.yaml', '--since', 'main', '--dry-run', '--json'], { cwd: dir }).stdout);
    expect(since.tasks.map((t: any) => t.id)).toEqual(['page', 'escaped']);
  });

  it('run again when an artifact is gone, the definition or an input it uses changed, or it failed last time', () => {
    const dir = project();
    run(dir);
    rmSync(join(dir, 'dist/out.txt'));
    expect(run(dir).reasons.build).toBe('succeeded');
    writeFileSync(join(dir, 'workflow.yaml'), workflow.replace('echo x >> lint.ran', 'echo y >> lint.ran'));
    expect(run(dir).reasons).toMatchObject({ build: 'up-to-date', lint: 'succeeded' });
    writeFileSync(join(dir, 'spicy.cfg'), '');
    expect(run(dir, ['-i', 'flavour=spicy']).reasons).toMatchObject({ build: 'succeeded', lint: 'up-to-date' });
    expect(run(dir, ['-i', 'flavour=spicy']).reasons.build).toBe('up-to-date');
    // The latest end of a task decides: a failure (the sources did not change) is not up to date.
    writeFileSync(join(dir, 'fail'), '');
    expect(run(dir, ['-i', 'flavour=spicy', '--force']).code).toBe(1);
    rmSync(join(dir, 'fail'));
    expect(run(dir, ['-i', 'flavour=spicy']).reasons.build).toBe('succeeded');
  });

  it('run anyway with --force; plan and --dry-run show which are up to date', () => {
    const dir = project();
    run(dir);
    expect(run(dir, ['--force']).reasons).toEqual({ build: 'succeeded', test: 'succeeded', report: 'succeeded', lint: 'succeeded' });
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(Object.fromEntries(plan.tasks.map((t: any) => [t.id, t.estimateSource]))).toMatchObject({ build: 'up-to-date', test: 'up-to-date', lint: 'up-to-date' });
    expect(plan.tasks.find((t: any) => t.id === 'build').estimate).toBe(0);
    expect(cli(['plan', 'workflow.yaml'], { cwd: dir }).stdout).toContain('Up to date: 3 tasks (sources unchanged, not run, 0s): build, test, lint');
    const forced = JSON.parse(cli(['run', 'workflow.yaml', '--dry-run', '--json', '--force'], { cwd: dir }).stdout);
    expect(forced.tasks.some((t: any) => t.estimateSource === 'up-to-date')).toBe(false);
    expect(runs(dir)).toEqual([2, 2, 2, 2]);
  });

  it('plan and --dry-run say why each task with sources will run (make -d, Bazel --explain)', () => {
    const dir = project();
    const why = (args: string[] = []) => {
      const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json', ...args], { cwd: dir }).stdout);
      expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
      return Object.fromEntries(plan.tasks.map((t: any) => [t.id, t.runsBecause ?? t.estimateSource]));
    };
    run(dir);
    writeFileSync(join(dir, 'fail'), '');
    expect(run(dir, ['--force']).code).toBe(1);
    // The failure is the latest end of build; test did not run (skipped ends do not count), so its last success stands.
    expect(why()).toEqual({ build: 'it failed the last time', test: 'it needs build, which runs', report: 'history', lint: 'up-to-date' });
    rmSync(join(dir, 'fail'));
    run(dir);
    writeFileSync(join(dir, 'src/c.txt'), 'c\n');
    writeFileSync(join(dir, 'workflow.yaml'), workflow.replace('echo x >> lint.ran', 'echo y >> lint.ran'));
    // Which files: those modified after its last success, as make names a newer prerequisite.
    const changed = 'its sources changed: src/c.txt is newer than its last success';
    expect(why()).toEqual({ build: changed, test: 'it needs build, which runs', report: 'history', lint: 'its definition changed' });
    const text = cli(['run', 'workflow.yaml', '--dry-run'], { cwd: dir }).stdout;
    expect(text).toContain(`Will run: 3 tasks with sources or memoize: build (${changed}), test (it needs build, which runs), lint (its definition changed)\n`);
    run(dir);
    // Four newer files are three named and a count; a removed one leaves none newer, and that is said.
    for (const name of ['d', 'e', 'f', 'g']) writeFileSync(join(dir, `src/${name}.txt`), `${name}\n`);
    expect(why().build).toBe('its sources changed: src/d.txt, src/e.txt, src/f.txt and 1 more are newer than its last success');
    run(dir);
    writeFileSync(join(dir, 'src/a.txt'), 'A\n');
    writeFileSync(join(dir, 'src/b.txt'), 'B\n');
    expect(why().build).toBe('its sources changed: src/a.txt and src/b.txt are newer than its last success');
    run(dir);
    writeFileSync(join(dir, 'src/\u001b[31mred\n.txt'), 'r\n');
    expect(why().build).toBe('its sources changed: src/\\u001b[31mred\\n.txt is newer than its last success');
    run(dir);
    rmSync(join(dir, 'src/g.txt'));
    expect(why().build).toBe('its sources changed, though no file is newer than its last success: one was removed, renamed or put back older');
    run(dir);
    rmSync(join(dir, 'dist/out.txt'));
    writeFileSync(join(dir, 'spicy.cfg'), '');
    expect(why()).toMatchObject({ build: 'its artifacts are missing: dist/out.txt', lint: 'up-to-date' });
    run(dir);
    expect(why(['-i', 'flavour=spicy'])).toMatchObject({ build: 'an input it uses changed', test: 'it needs build, which runs' });
    // A first plan has no history to compare with: nothing to say.
    const fresh = project();
    expect(JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: fresh }).stdout).tasks.some((t: any) => t.runsBecause !== undefined)).toBe(false);
  });

  it('may only use templates known before the run in sources', () => {
    const dir = tempProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo v=1 >> $ORCHESTRATE_OUTPUT" }\n  b: { needs: a, sources: ["${{ tasks.a.outputs.v }}"], run: "true" }\n' });
    const r = cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const [d] = JSON.parse(r.stdout)[0].diagnostics;
    expect(d).toMatchObject({ code: 'bad-template', line: 4, column: 29 });
    expect(d.message).toBe('task "b": its sources are fingerprinted before anything runs, so ${{ tasks.a.outputs.v }} cannot be used there: use matrix, params or inputs templates');
    // Nor in the cwd they are relative to; without sources, the cwd may wait for the run.
    const cwd = tempProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true", cwd: "${{ env.PKG }}", sources: [src] }\n  b: { run: "true", cwd: "${{ env.PKG }}" }\n' });
    const byCwd = JSON.parse(cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd }).stdout)[0].diagnostics;
    expect(byCwd.map((x: any) => [x.code, x.line, x.column, x.message])).toEqual([
      ['bad-template', 3, 27, 'task "a": its sources, relative to its cwd, are fingerprinted before anything runs, so ${{ env.PKG }} cannot be used in its cwd: use matrix, params or inputs templates'],
    ]);
  });

  it('refuses sources and artifacts that are the whole file system, also when a value rendered empty', () => {
    const dir = tempProject({
      'workflow.yaml': 'version: 1\ninputs:\n  dir: { default: src }\ntasks:\n  a:\n    run: "true"\n    sources: ["${{ inputs.dir }}/**"]\n    artifacts: ["../../../../../../../../.."]\n',
    });
    const lint = cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: dir });
    expect(lint.code).toBe(1);
    const [d] = JSON.parse(lint.stdout)[0].diagnostics;
    expect(d).toMatchObject({ code: 'bad-path', line: 8, column: 17 });
    expect(d.message).toContain('artifacts entry "../../../../../../../../.." is the whole file system');
    writeFileSync(join(dir, 'workflow.yaml'), 'version: 1\ninputs:\n  dir: { default: src }\ntasks:\n  a:\n    run: "true"\n    sources: ["${{ inputs.dir }}/**"]\n    matrix: { n: [1, 2] }\n');
    expect(cli(['lint', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    // An empty value before the slash: refused before anything runs, once for the matrix.
    const r = cli(['run', 'workflow.yaml', '-i', 'dir='], { cwd: dir, timeout: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.match(/\[bad-path\]/g)).toHaveLength(1);
    expect(r.stderr).toContain('workflow.yaml:7:15  error  task "a": sources entry "/**" is the whole file system (written "${{ inputs.dir }}/**": did a value render empty?); name the files it reads  [bad-path]');
    expect(existsSync(join(dir, '.orchestrate'))).toBe(false);
  });
});
