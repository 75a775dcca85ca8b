import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/background.js';
import { cli, tempProject } from '../helpers/cli.js';
import { diagnosticsByFile } from '../helpers/lint.js';
import { task } from '../helpers/run.js';
import { validator } from '../helpers/schemas.js';
import { waitFor } from '../helpers/wait.js';

/** An included workflow that works on its own: its env, agent, prompt file, matrix, condition and outputs. */
const docs = `version: 1
name: docs
env: { WHERE: docs }
secrets: [DOCS_TOKEN]
agents:
  writer: { command: cat, concurrency: 1 }
tasks:
  gen:
    run: 'echo "page=$(basename "$PWD")-$WHERE-$DOCS_TOKEN" >> "$ORCHESTRATE_OUTPUT"'
  build:
    needs: gen
    matrix: { fmt: [html, pdf] }
    when: tasks.gen.outputs.page != ''
    run: 'echo "out=\${{ tasks.gen.outputs.page }}.\${{ matrix.fmt }}" >> "$ORCHESTRATE_OUTPUT"'
  write:
    agent: writer
    needs: build
    promptFile: prompt.md
    captureStdout: text
`;

const root = `version: 1
include:
  docs: docs/workflow.yaml
tasks:
  ship:
    needs: [docs.build, docs.write]
    env: { OUT: "\${{ tasks.docs.build.outputs.out }}", TEXT: "\${{ tasks.docs.write.outputs.text }}" }
    run: 'echo "shipped $OUT / $TEXT" > shipped.txt'
`;

const project = (files: Record<string, string> = {}) => tempProject({
  'package.json': '{}',
  'main.yaml': root,
  'docs/workflow.yaml': docs,
  'docs/prompt.md': 'write about ${{ tasks.build[pdf].outputs.out }}',
  ...files,
});

describe('include', () => {
  it('runs an included workflow\'s tasks as it would alone, under a namespace the including tasks need and read', () => {
    const dir = project();
    const r = cli(['run', 'main.yaml', '--json'], { cwd: dir, env: { DOCS_TOKEN: 's3cr3t' } });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.tasks.map((t: any) => t.id)).toEqual(['ship', 'docs.gen', 'docs.build[html]', 'docs.build[pdf]', 'docs.write']);
    // Its cwd is its own directory, its env and secrets its own; its needs, templates and condition read its own tasks.
    expect(task(result, 'docs.gen').outputs).toEqual({ page: 'docs-docs-***' });
    expect(task(result, 'docs.build[pdf]').outputs).toEqual({ out: 'docs-docs-***.pdf' });
    expect(task(result, 'docs.write').outputs).toEqual({ text: 'write about docs-docs-***.pdf' });
    expect(readFileSync(join(dir, 'shipped.txt'), 'utf8')).toBe('shipped ["docs-docs-***.html","docs-docs-***.pdf"] / write about docs-docs-***.pdf\n');
    expect(r.stdout).not.toContain('s3cr3t');
    // The included file lints and runs on its own too.
    expect(cli(['lint', 'docs/workflow.yaml'], { cwd: dir }).code).toBe(0);
    // Selected and listed by their namespaced ids.
    const only = JSON.parse(cli(['run', 'main.yaml', 'docs.build', '--json'], { cwd: dir }).stdout);
    expect(only.tasks.map((t: any) => t.id)).toEqual(['docs.gen', 'docs.build[html]', 'docs.build[pdf]']);
    // The plan and the graph show where they came from.
    const plan = JSON.parse(cli(['plan', 'main.yaml', '--json'], { cwd: dir }).stdout);
    expect(validator('plan')(plan)).toBe(true);
    expect(plan.tasks.map((t: any) => t.includedFrom ?? null)).toEqual([null, 'docs', 'docs', 'docs', 'docs']);
    expect(cli(['graph', 'main.yaml'], { cwd: dir }).stdout).toContain('  subgraph g0["docs"]\n    t1["docs.gen<br/>10s"]\n    t2["docs.build[html]<br/>10s"]\n    t3["docs.build[pdf]<br/>10s"]\n    t4["docs.write<br/>1m00s"]\n  end\n');
    expect(cli(['graph', 'main.yaml', '-f', 'dot'], { cwd: dir }).stdout).toContain('  subgraph "cluster_docs" {\n    label="docs";\n    "docs.gen"');
    expect(JSON.parse(cli(['list', 'main.yaml', '--json'], { cwd: dir }).stdout).tasks.map((t: any) => [t.id, t.includedFrom])).toEqual([
      ['ship', null], ['docs.gen', 'docs'], ['docs.build', 'docs'], ['docs.write', 'docs'],
    ]);
    expect(cli(['list', 'main.yaml'], { cwd: dir }).stdout).toBe([
      'main (main.yaml): 5 tasks',
      '  ship        needs docs.build, docs.write',
      '  docs.gen',
      '  docs.build  matrix of 2; needs docs.gen',
      '  docs.write  agent writer; needs docs.build',
      '',
    ].join('\n'));
  });

  it('takes a directory for the workflow in it (orchestrate.yaml), as a command run there would', () => {
    const dir = tempProject({
      'main.yaml': 'version: 1\ninclude: { lib: lib, empty: empty }\ntasks:\n  top: { run: "true", needs: lib.build }\n',
      'lib/orchestrate.yaml': 'version: 1\ntasks:\n  build: { run: "true" }\n',
      'empty/readme.md': '',
    });
    const r = cli(['lint', 'main.yaml'], { cwd: dir });
    expect(r.stdout).toContain('main.yaml:2:29  error  cannot include "empty": it is a directory without orchestrate.yaml or orchestrate.yml  [bad-include]');
    expect(r.stdout).not.toContain('"lib"');
    writeFileSync(join(dir, 'main.yaml'), 'version: 1\ninclude: { lib: lib/ }\ntasks:\n  top: { run: "true", needs: lib.build }\n');
    expect(JSON.parse(cli(['run', 'main.yaml', '--json'], { cwd: dir }).stdout).tasks.map((t: any) => t.id)).toEqual(['top', 'lib.build']);
  });

  it('reports what is wrong with an include at its entry, and an included file\'s own problems under its name', () => {
    const dir = project({
      'bad.yaml': `version: 1
include:
  nope: missing.yaml
  self: bad.yaml
  broken: broken.yaml
  again: broken.yaml
tasks:
  ship: { run: 'true', needs: broken.x }
`,
      'broken.yaml': 'version: 1\npolicy: { maxConcurrency: 2 }\ntasks:\n  x: { run: "true", needs: y }\n',
      'clash.yaml': `version: 1
include: { docs: docs/workflow.yaml }
agents: { writer: { command: cat, concurrency: 2 } }
tasks:
  docs.gen: { run: 'true' }
`,
      'typo.yaml': `version: 1
include: { docs: docs/workflow.yaml }
tasks:
  ship: { run: 'true', needs: docs.biuld }
`,
    });
    const r = cli(['lint', 'bad.yaml', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const byFile = diagnosticsByFile(r.stdout);
    expect(byFile['bad.yaml']).toEqual([
      'bad-include@3:9 cannot include "missing.yaml": no such file',
      'bad-include@4:9 a workflow cannot include itself',
      'bad-include@5:11 "broken.yaml" has 2 errors of its own (shown under its name)',
      'bad-include@6:10 "broken.yaml" has 2 errors of its own (shown under its name)',
    ]);
    // Included twice, its problems are shown once.
    expect(byFile['broken.yaml']).toEqual([
      "bad-include@2:1 an included workflow cannot set `policy`: the including workflow's applies to the whole run",
      'unknown-need@4:28 task "x" needs "y", which is not a task',
    ]);
    const clash = cli(['lint', 'clash.yaml'], { cwd: dir }).stdout;
    expect(clash).toContain('clash.yaml:2:18  error  task "gen" of "docs/workflow.yaml" becomes "docs.gen", which this workflow already has: rename one of them  [include-conflict]');
    expect(clash).toContain('clash.yaml:3:11  error  agent "writer" is defined differently here and in "docs/workflow.yaml": define it once (in the config file, for both)  [include-conflict]');
    expect(cli(['lint', 'typo.yaml'], { cwd: dir }).stdout).toContain('task "ship" needs "docs.biuld", which is not a task (did you mean "docs.build"?)  [unknown-need]');
    // run refuses with the same report (both files), exit 2, before anything runs.
    const run = cli(['run', 'bad.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('broken.yaml:2:1  error  an included workflow cannot set `policy`');
    expect(run.stderr).toContain('bad.yaml:3:9  error  cannot include "missing.yaml": no such file');
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('leaves out an optional file that does not exist, and includes it, checked as any other, when it does', () => {
    const main = `version: 1
include:
  mine: { path: local.yaml, optional: true }
  shared: { path: shared.yaml }
tasks:
  ship: { run: 'echo shipped >> log.txt', needs: shared.build }
`;
    const dir = tempProject({ 'package.json': '{}', 'main.yaml': main, 'shared.yaml': 'version: 1\ntasks:\n  build: { run: "echo built >> log.txt" }\n' });
    // Not there: no problem, no tasks of it.
    expect(cli(['lint', 'main.yaml'], { cwd: dir }).code).toBe(0);
    const without = JSON.parse(cli(['run', 'main.yaml', '--json'], { cwd: dir }).stdout);
    expect(without.tasks.map((t: any) => t.id).sort()).toEqual(['shared.build', 'ship']);
    // There: its tasks join under its namespace.
    writeFileSync(join(dir, 'local.yaml'), 'version: 1\ntasks:\n  try: { run: "echo mine >> log.txt" }\n');
    const withIt = JSON.parse(cli(['run', 'main.yaml', '--json'], { cwd: dir }).stdout);
    expect(withIt.tasks.map((t: any) => t.id).sort()).toEqual(['mine.try', 'shared.build', 'ship']);
    expect(readFileSync(join(dir, 'log.txt'), 'utf8')).toContain('mine\n');
    // There but wrong: an error as for any include.
    writeFileSync(join(dir, 'local.yaml'), 'version: 1\ntasks:\n  try: { run: "true", needs: nope }\n');
    expect(diagnosticsByFile(cli(['lint', 'main.yaml', '-f', 'json'], { cwd: dir }).stdout)['main.yaml']).toEqual(['bad-include@3:17 "local.yaml" has 1 error of its own (shown under its name)']);
    // Only a missing file is left out: a required one that is missing is still an error, and so is an optional one that is unreadable.
    rmSync(join(dir, 'local.yaml'));
    rmSync(join(dir, 'shared.yaml'));
    expect(diagnosticsByFile(cli(['lint', 'main.yaml', '-f', 'json'], { cwd: dir }).stdout)['main.yaml']).toEqual(['bad-include@4:19 cannot include "shared.yaml": no such file']);
    // A task that needs a task of an optional file that is not there needs a task that does not exist.
    writeFileSync(join(dir, 'needs-mine.yaml'), 'version: 1\ninclude:\n  mine: { path: local.yaml, optional: true }\ntasks:\n  go: { run: "true", needs: mine.try }\n');
    expect(diagnosticsByFile(cli(['lint', 'needs-mine.yaml', '-f', 'json'], { cwd: dir }).stdout)['needs-mine.yaml']).toEqual(['unknown-need@5:29 task "go" needs "mine.try", which is not a task']);
  });

  it('refuses a chain of includes deeper than 32 files at the entry that goes too deep, and runs one of 32', () => {
    const chain = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`w${i}.yaml`, `version: 1\n${i + 1 < n ? `include:\n  n: w${i + 1}.yaml\n` : ''}tasks:\n  t: { run: "true" }\n`]));
    // 1,000 files deep overflowed the loader's stack (an internal error) before the limit.
    const deep = tempProject({ 'package.json': '{}', ...chain(1000) });
    const r = cli(['lint', 'w0.yaml', '-f', 'json'], { cwd: deep });
    expect(r.code).toBe(1);
    const byFile = diagnosticsByFile(r.stdout);
    expect(byFile['w31.yaml']).toEqual(['bad-include@3:6 includes nest too deep: "w32.yaml" would be file 33 of one chain of includes, and at most 32 nest']);
    expect(byFile['w0.yaml']).toEqual(['bad-include@3:6 "w1.yaml" has 1 error of its own (shown under its name)']);
    expect(Object.keys(byFile)).toHaveLength(32);
    const run = cli(['run', 'w0.yaml'], { cwd: deep });
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('includes nest too deep')]);
    expect(run.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    // 32 files deep is allowed: every task runs, under its namespaces.
    const ok = JSON.parse(cli(['run', 'w0.yaml', '--json'], { cwd: tempProject({ 'package.json': '{}', ...chain(32) }) }).stdout);
    expect(ok.status).toBe('succeeded');
    expect(ok.tasks).toHaveLength(32);
    expect(ok.tasks.map((t: any) => t.id)).toContain(`${Array(31).fill('n').join('.')}.t`);
  });

  it('gives included tasks the run\'s policy defaults, and shares the config file\'s agents without a conflict', () => {
    const dir = tempProject({
      'package.json': '{}',
      'orchestrate.config.yaml': 'agents:\n  echo: { command: cat }\n',
      'main.yaml': 'version: 1\ninclude: { sub: sub/w.yaml }\npolicy: { retry: { maxAttempts: 2, delay: 0 }, taskTimeout: 1s }\ntasks:\n  a: { agent: echo, prompt: root }\n',
      // Fails its first attempt; the second succeeds, if the run's retry policy reaches it. The sleep outlasts the run's task timeout.
      'sub/w.yaml': 'version: 1\ntasks:\n  flaky: { run: "[ -f once ] || { touch once; exit 1; }" }\n  slow: { run: "sleep 30" }\n  b: { agent: echo, prompt: sub }\n',
    });
    const r = cli(['run', 'main.yaml', '--json'], { cwd: dir });
    const result = JSON.parse(r.stdout);
    expect(task(result, 'sub.flaky')).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(task(result, 'sub.slow').status).toBe('failed');
    expect(task(result, 'sub.slow').errors[0].kind).toBe('timeout');
    expect(task(result, 'sub.b').status).toBe('succeeded');
  });

  it('merges agents and resources whatever they are called: `constructor` and `toString` are names like any', () => {
    const dir = tempProject({
      'package.json': '{}',
      'main.yaml': 'version: 1\ninclude: { sub: sub/w.yaml, other: other/w.yaml }\ntasks:\n  m: { run: "true", needs: [sub.t, other.t] }\n',
      'sub/w.yaml': 'version: 1\nagents:\n  constructor: { command: cat }\nresources: { toString: 1 }\ntasks:\n  t: { agent: constructor, prompt: hi, resources: { toString: 1 } }\n',
      // The same agent defined differently, the same resource with another capacity: each a conflict naming both files.
      'other/w.yaml': 'version: 1\nagents:\n  constructor: { command: "cat -n" }\nresources: { toString: 2 }\ntasks:\n  t: { run: "true" }\n',
    });
    const messages = diagnosticsByFile(cli(['lint', 'main.yaml', '--format', 'json'], { cwd: dir }).stdout)['main.yaml']!.map((d) => d.replace(/^include-conflict@\S+ /, ''));
    expect(messages).toEqual([
      'agent "constructor" of "other/w.yaml" is defined differently in "sub/w.yaml": define it once (in the config file, for both)',
      'resource "toString" has capacity 2 in "other/w.yaml" and 1 in "sub/w.yaml": give it one capacity',
    ]);
    writeFileSync(join(dir, 'main.yaml'), 'version: 1\ninclude: { sub: sub/w.yaml }\ntasks:\n  m: { run: "true", needs: [sub.t] }\n');
    const r = cli(['run', 'main.yaml', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).tasks.map((t: any) => `${t.id} ${t.status}`)).toEqual(['m succeeded', 'sub.t succeeded']);
  });

  it('resumes a failed run: the included tasks that succeeded are reused, a changed included task runs again', () => {
    const dir = tempProject({
      'package.json': '{}',
      'main.yaml': 'version: 1\ninclude: { sub: sub/w.yaml }\ntasks:\n  top: { run: "echo x >> top.ran", needs: sub.b }\n',
      'sub/w.yaml': 'version: 1\ntasks:\n  a: { run: "echo x >> a.ran; echo v=1 >> $ORCHESTRATE_OUTPUT" }\n  b: { run: "test -f ok && echo ${{ tasks.a.outputs.v }} > b.out", needs: a }\n',
    });
    expect(cli(['run', 'main.yaml'], { cwd: dir }).code).toBe(1);
    writeFileSync(join(dir, 'sub/ok'), '');
    const resumed = JSON.parse(cli(['run', 'main.yaml', '--resume', '--json'], { cwd: dir }).stdout);
    expect(resumed.tasks.map((t: any) => [t.id, t.status, t.reason ?? null])).toEqual([
      ['top', 'succeeded', null], ['sub.a', 'succeeded', 'reused'], ['sub.b', 'succeeded', null],
    ]);
    expect(readFileSync(join(dir, 'sub/a.ran'), 'utf8')).toBe('x\n');
    // The reused task's output reached the included task that ran.
    expect(readFileSync(join(dir, 'sub/b.out'), 'utf8')).toBe('1\n');
    // Editing the included file changes its task's definition: resuming a failed run, it runs again.
    rmSync(join(dir, 'sub/ok'));
    expect(cli(['run', 'main.yaml'], { cwd: dir }).code).toBe(1);
    writeFileSync(join(dir, 'sub/w.yaml'), readFileSync(join(dir, 'sub/w.yaml'), 'utf8').replace('echo x >> a.ran', 'echo y >> a.ran'));
    writeFileSync(join(dir, 'sub/ok'), '');
    const again = JSON.parse(cli(['run', 'main.yaml', '--resume', '--json'], { cwd: dir }).stdout);
    expect(again.tasks.map((t: any) => [t.id, t.reason ?? null])).toEqual([['top', null], ['sub.a', null], ['sub.b', null]]);
    expect(readFileSync(join(dir, 'sub/a.ran'), 'utf8')).toBe('x\nx\ny\n');
  });

  it('run --watch runs again when an included file changes', async () => {
    const dir = project({ 'docs/src.txt': 'a' });
    writeFileSync(join(dir, 'docs/workflow.yaml'), docs.replace("  gen:\n", '  gen:\n    sources: [src.txt]\n'));
    const { child, exited, output } = startCli(dir, ['run', 'main.yaml', '--watch', '--renderer', 'silent']);
    const watching = () => output().split('orchestrate: watching').length - 1;
    try {
      await waitFor(() => watching() === 1, 'the first run');
      expect(output()).toContain('orchestrate: watching 2 files of 2 tasks and main.yaml and the 1 file it includes (Ctrl-C to stop)');
      writeFileSync(join(dir, 'docs/workflow.yaml'), docs.replace("  gen:\n", '  gen:\n    sources: [src.txt]\n').replace('concurrency: 1', 'concurrency: 2'));
      await waitFor(() => watching() === 2, 'the run after the included file changed');
      // Broken, it is still watched (with the file including it), and runs again once fixed.
      writeFileSync(join(dir, 'docs/workflow.yaml'), 'version: 1\ntasks:\n  gen: { run: 5 }\n');
      await waitFor(() => watching() === 3, 'the report of the broken included file');
      expect(output()).toContain('orchestrate: watching main.yaml and the 1 file it includes until it loads again (Ctrl-C to stop)');
      writeFileSync(join(dir, 'docs/workflow.yaml'), docs.replace("  gen:\n", '  gen:\n    sources: [src.txt]\n'));
      await waitFor(() => watching() === 4, 'the run after the included file was fixed');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
  });
});
