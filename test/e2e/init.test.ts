import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, tempProject } from '../helpers/cli.js';

describe('orchestrate init and the default workflow file', () => {
  it('writes a starter workflow that lints clean and runs, and that commands use when given no file', () => {
    const dir = tempProject({ 'package.json': '{}' });
    const init = cli(['init'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toBe('wrote orchestrate.yaml: orchestrate plan shows its schedule, orchestrate run runs it\n');
    const text = readFileSync(join(dir, 'orchestrate.yaml'), 'utf8');
    // The editor finds the schema it names.
    const schema = /\$schema=(\S+)/.exec(text)![1]!;
    expect(JSON.parse(readFileSync(join(dir, schema), 'utf8')).title).toMatch(/workflow/i);
    expect(cli(['lint'], { cwd: dir }).stdout).toContain('no problems');
    const run = cli(['run', '--json', '-i', 'greeting=hi'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).tasks.map((t: any) => [t.id, t.status])).toEqual([
      ['setup', 'succeeded'], ['build', 'succeeded'], ['test[1]', 'succeeded'], ['test[2]', 'succeeded'], ['test[3]', 'succeeded'], ['package', 'succeeded'],
    ]);
    expect(cli(['plan', '--json'], { cwd: dir }).code).toBe(0);
    expect(cli(['graph'], { cwd: dir }).stdout).toContain('flowchart');
    expect(cli(['list'], { cwd: dir }).stdout).toContain('  package  Package the version build reported  (needs build, test)\n');
    expect(JSON.parse(cli(['run', 'test', '--json'], { cwd: dir }).stdout).tasks.map((t: any) => t.id)).toEqual(['setup', 'test[1]', 'test[2]', 'test[3]']);
    // Into a directory that does not exist yet: it is made, and the schema path still resolves.
    expect(cli(['init', 'ci/flows/build.yaml'], { cwd: dir }).code).toBe(0);
    const nested = readFileSync(join(dir, 'ci/flows/build.yaml'), 'utf8');
    expect(existsSync(join(dir, 'ci/flows', /\$schema=(\S+)/.exec(nested)![1]!))).toBe(true);
    expect(cli(['run', 'ci/flows/build.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
  });

  it('writes a starter of LLM agent tasks with --template agents: a fan-out over what a task found, answers checked and costed', () => {
    const dir = tempProject({ 'package.json': '{}', 'a.ts': '', 'b.ts': '' });
    expect(cli(['init', '--template', 'agents', 'review.yaml'], { cwd: dir }).code).toBe(0);
    expect(cli(['lint', 'review.yaml'], { cwd: dir }).stdout).toContain('no problems');
    const run = cli(['run', 'review.yaml', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    // One review per file found (the first three, while the agent is a stand-in), each costing what its answer said.
    expect(result.tasks.map((t: any) => [t.id, t.status])).toEqual([
      ['find', 'succeeded'], ['review', 'succeeded'], ['summarize', 'succeeded'], ['review[a.ts]', 'succeeded'], ['review[b.ts]', 'succeeded'], ['review[package.json]', 'succeeded'],
    ]);
    expect(result.metrics.costSpent).toBeCloseTo(0.03, 9);
    expect(cli(['logs', '--task', 'summarize'], { cwd: dir }).stdout).toContain('out| verdicts: ["approve","approve","approve"]\n');
    const bad = cli(['init', '--template', 'llm'], { cwd: dir });
    expect([bad.code, bad.stderr]).toEqual([2, "orchestrate: option '-t, --template <name>' argument 'llm' is invalid. Allowed choices are shell, agents. (see orchestrate init --help)\n"]);
    expect(existsSync(join(dir, 'orchestrate.yaml'))).toBe(false);
  });

  it('says so when the file it writes takes the place of the project\'s workflow above as the default', () => {
    const dir = tempProject({ 'package.json': '{}', 'orchestrate.yaml': 'version: 1\ntasks:\n  top: { run: "true" }\n', 'pkg/.keep': '', 'lib/package.json': '{}' });
    const sub = cli(['init'], { cwd: join(dir, 'pkg') });
    expect([sub.code, sub.stdout]).toEqual([0, 'wrote orchestrate.yaml: orchestrate plan shows its schedule, orchestrate run runs it\n']);
    expect(sub.stderr).toBe('orchestrate: note: ../orchestrate.yaml was the default workflow here until now; commands run here or below without a file now take orchestrate.yaml (orchestrate run ../orchestrate.yaml runs the other)\n');
    expect(cli(['list'], { cwd: join(dir, 'pkg') }).stdout).toContain('package');
    // Named from elsewhere, into a directory still to be made: the paths are said from where it ran.
    const deep = cli(['init', 'pkg/a/b/orchestrate.yml'], { cwd: dir });
    expect(deep.code, deep.stderr).toBe(0);
    expect(deep.stderr).toBe('orchestrate: note: pkg/orchestrate.yaml was the default workflow in pkg/a/b until now; commands run there or below without a file now take pkg/a/b/orchestrate.yml (orchestrate run pkg/orchestrate.yaml runs the other)\n');
    // Nothing to say: a project of its own (the search stops at it), another name, nothing above.
    for (const [args, cwd] of [[['init'], join(dir, 'lib')], [['init', 'pkg/ci.yaml'], dir]] as const) {
      const quiet = cli([...args], { cwd });
      expect([quiet.code, quiet.stderr]).toEqual([0, '']);
    }
    const alone = tempProject({ 'package.json': '{}' });
    expect(cli(['init'], { cwd: alone }).stderr).toBe('');
  });

  it('never replaces a file, and says what to do when there is no workflow file', () => {
    const dir = tempProject({ 'orchestrate.yaml': 'mine\n', 'other.yml': 'also mine\n' });
    const again = cli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('orchestrate: orchestrate.yaml already exists: init never replaces a file (pick another name)\n');
    expect(cli(['init', 'other.yml'], { cwd: dir }).code).toBe(2);
    expect(readFileSync(join(dir, 'orchestrate.yaml'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(dir, 'other.yml'), 'utf8')).toBe('also mine\n');
    // A project (package.json) bounds the search for one above.
    const empty = tempProject({ 'package.json': '{}' });
    for (const command of ['run', 'plan', 'lint', 'graph']) {
      const r = cli([command], { cwd: empty });
      expect(r.code, command).toBe(2);
      // The hint names the command that was run.
      expect(r.stderr).toBe(`orchestrate: no workflow file given, and no orchestrate.yaml here or above it in this project: name one (orchestrate ${command} FILE), or write one with orchestrate init\n`);
    }
    writeFileSync(join(empty, 'orchestrate.yml'), 'version: 1\ntasks:\n  a: { run: "true" }\n');
    expect(cli(['run', '--renderer', 'silent'], { cwd: empty }).code).toBe(0);
    // An orchestrate.yaml beside it would become the default in its place, quietly: init says so instead.
    for (const args of [['init'], ['init', 'orchestrate.yaml']]) {
      const beside = cli(args, { cwd: empty });
      expect([beside.code, beside.stderr]).toEqual([2, `orchestrate: orchestrate.yml is already the default workflow there: ${args[1] ?? 'orchestrate.yaml'} beside it would take its place (pick another name: orchestrate init FILE)\n`]);
    }
    expect(existsSync(join(empty, 'orchestrate.yaml'))).toBe(false);
    expect(cli(['init', 'starter.yaml'], { cwd: empty }).code).toBe(0);
  });

  it('takes the orchestrate.yaml of a directory above, up to the project\'s root, as Taskfile does; its tasks run where it is', () => {
    const dir = tempProject({
      'package.json': '{}',
      'orchestrate.yaml': 'version: 1\ntasks:\n  where: { run: "pwd > where.txt" }\n  broken: { run: "exit 3" }\n',
      'src/deep/file.ts': '',
      // A project of its own inside: the search stops at its root.
      'packages/inner/package.json': '{}',
      'packages/inner/src/file.ts': '',
    });
    const deep = join(dir, 'src/deep');
    const r = cli(['run', 'where', '--renderer', 'silent'], { cwd: deep });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readFileSync(join(dir, 'where.txt'), 'utf8').trim()).toBe(dir);
    expect(cli(['list'], { cwd: deep }).stdout).toContain('where');
    // Paths are said as from where the command ran: the resume command works there.
    const failed = cli(['run', 'broken', '--renderer', 'silent'], { cwd: deep });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('to resume: orchestrate run ../../orchestrate.yaml broken --resume');
    writeFileSync(join(dir, 'orchestrate.yaml'), 'version: 1\ntasks:\n  a: { run: 1 }\n');
    expect(cli(['lint'], { cwd: deep }).stdout).toContain(`${join(dir, 'orchestrate.yaml')}:3:`);
    // In a project without .git or package.json, history and logs from below find the runs where run put them.
    const bare = tempProject({ 'orchestrate.yaml': 'version: 1\ntasks:\n  hello: { run: "echo hello from the top" }\n', 'sub/deep/file.txt': '' });
    const below = join(bare, 'sub/deep');
    expect(cli(['run', '--renderer', 'silent'], { cwd: below }).code).toBe(0);
    expect(existsSync(join(bare, '.orchestrate/state.db'))).toBe(true);
    const history = cli(['history', '--json'], { cwd: below });
    expect([history.code, JSON.parse(history.stdout).map((r: any) => [r.workflow, r.status])]).toEqual([0, [['orchestrate', 'succeeded']]]);
    expect(cli(['logs'], { cwd: below }).stdout).toContain('hello from the top');
    expect(existsSync(join(below, '.orchestrate'))).toBe(false);
    const inner = cli(['run'], { cwd: join(dir, 'packages/inner/src') });
    expect([inner.code, inner.stderr]).toEqual([2, 'orchestrate: no workflow file given, and no orchestrate.yaml here or above it in this project: name one (orchestrate run FILE), or write one with orchestrate init\n']);
  });

  it('says which default file it takes when both orchestrate.yaml and orchestrate.yml are there', () => {
    const dir = tempProject({ 'orchestrate.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n', 'orchestrate.yml': 'version: 1\ntasks:\n  b: { run: "true" }\n' });
    for (const args of [['list'], ['run', '--renderer', 'silent'], ['run', 'a', '--renderer', 'silent'], ['plan']]) {
      const r = cli(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr.split('\n')[0], args.join(' ')).toBe('orchestrate: both orchestrate.yaml and orchestrate.yml are here; using orchestrate.yaml');
    }
    // One of them alone: nothing to say.
    const alone = tempProject({ 'orchestrate.yml': 'version: 1\ntasks:\n  b: { run: "true" }\n' });
    expect(cli(['list'], { cwd: alone }).stderr).toBe('');
  });

  it.skipIf(process.platform !== 'linux')('leaves no half workflow behind when the file cannot be written whole', () => {
    // A limit on file size (ulimit -f: 512 bytes) fails a write as a full disk does, after a first part went in.
    const dir = tempProject({});
    const r = spawnSync('sh', ['-c', `trap '' XFSZ; ulimit -f 1; exec "$0" "$@"`, process.execPath, BIN, 'init', 'flows/new.yaml'], { cwd: dir, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([2, 'orchestrate: cannot write flows/new.yaml: larger than the system lets a file be (ulimit -f)\n']);
    expect(existsSync(join(dir, 'flows/new.yaml'))).toBe(false);
    expect(r.stdout).toBe('');
  });
});
