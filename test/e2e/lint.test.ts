import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { homedir } from 'node:os';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, cli, FIXTURES, hasShared, ROOT, SHARED, tempProject } from '../helpers/cli.js';

const fixture = (name: string) => join(FIXTURES, 'lint', name, 'workflow.yaml');

describe('orchestrate lint', () => {
  it('passes the example workflows (a glob the shell did not expand)', () => {
    const r = cli(['lint', 'workflows/*.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✔ \d+ files linted, no problems/);
  });

  it('prints file:line:col, severity, message, code and a snippet, and exits 1', () => {
    const r = cli(['lint', 'test/fixtures/lint/unknown-key/workflow.yaml']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('test/fixtures/lint/unknown-key/workflow.yaml:4:3  error  unknown key "maxConcurency" in policy (did you mean "maxConcurrency"?)  [unknown-key]');
    expect(lines).toContain('test/fixtures/lint/unknown-key/workflow.yaml:8:5  error  unknown key "retries" in tasks.build (did you mean "retry"?)  [unknown-key]');
    expect(r.stdout).toContain('  4 |   maxConcurency: 4\n    |   ^^^^^^^^^^^^^');
    expect(lines).toContain('test/fixtures/lint/unknown-key/workflow.yaml:11:13  error  task "test" needs "biuld", which is not a task (did you mean "build"?)  [unknown-need]');
    expect(r.stdout).toContain('✖ 3 problems (3 errors, 0 warnings) in 1 file');
  });

  it('reports a whole cycle with its position', () => {
    const r = cli(['lint', fixture('cycle'), '--format', 'json']);
    expect(r.code).toBe(1);
    const [report] = JSON.parse(r.stdout);
    expect(report.diagnostics).toEqual([{
      code: 'cycle', severity: 'error', message: 'dependency cycle: fetch -> build -> publish -> fetch',
      line: 5, column: 13, endLine: 5, endColumn: 20, path: ['tasks', 'fetch', 'needs', 0],
    }]);
  });

  it('writes GitHub annotations', () => {
    const r = cli(['lint', 'test/fixtures/lint/unknown-key/workflow.yaml', '--format', 'github']);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('::error file=test/fixtures/lint/unknown-key/workflow.yaml,line=4,col=3,endLine=4,endColumn=16,title=unknown-key::unknown key "maxConcurency" in policy (did you mean "maxConcurrency"?)');
  });

  it('writes a GitLab Code Quality report: errors major, warnings minor, fingerprints that ignore the line', () => {
    const [broken, warned] = [relative(ROOT, fixture('unknown-key')), relative(ROOT, fixture('warnings'))];
    const r = cli(['lint', broken, `./${warned}`, '--format', 'gitlab']);
    expect(r.code).toBe(1);
    const issues = JSON.parse(r.stdout);
    expect(issues.map((x: any) => [x.check_name, x.severity, x.location.path, x.location.lines.begin])).toEqual([
      ['unknown-key', 'major', broken, 4], ['unknown-key', 'major', broken, 8], ['unknown-need', 'major', broken, 11],
      ['concurrency-above-limit', 'minor', warned, 7], ['artifact-conflict', 'minor', warned, 14],
    ]);
    expect(issues[0].description).toBe('unknown key "maxConcurency" in policy (did you mean "maxConcurrency"?)');
    for (const issue of issues) expect(issue.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(issues.map((x: any) => x.fingerprint)).size).toBe(issues.length);
    // The same problems a line lower are the same issues to a merge request; a clean file is an empty list.
    const text = readFileSync(fixture('unknown-key'), 'utf8');
    const dir = tempProject({ 'workflow.yaml': text, 'clean.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    const report = () => JSON.parse(cli(['lint', 'workflow.yaml', '--format', 'gitlab'], { cwd: dir }).stdout);
    const before = report();
    writeFileSync(join(dir, 'workflow.yaml'), `# moved down a line\n${text}`);
    const after = report();
    expect(after.map((x: any) => x.location.lines.begin)).toEqual(before.map((x: any) => x.location.lines.begin + 1));
    expect(after.map((x: any) => x.fingerprint)).toEqual(before.map((x: any) => x.fingerprint));
    const clean = cli(['lint', 'clean.yaml', '--format', 'gitlab'], { cwd: dir });
    expect([clean.code, clean.stdout]).toEqual([0, '[]\n']);
  });

  it.skipIf(!hasShared)('writes SARIF 2.1.0 that the official schema accepts (needs ../shared/schemas)', () => {
    const r = cli(['lint', fixture('unknown-key'), fixture('warnings'), '--format', 'sarif']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    const schema = JSON.parse(readFileSync(join(SHARED, 'schemas/sarif-2.1.0.schema.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const results = sarif.runs[0].results;
    expect(results.map((x: any) => [x.ruleId, x.level, x.locations[0].physicalLocation.region.startLine])).toEqual([
      ['unknown-key', 'error', 4], ['unknown-key', 'error', 8], ['unknown-need', 'error', 11], ['concurrency-above-limit', 'warning', 7], ['artifact-conflict', 'warning', 14],
    ]);
  });

  it('warns about a script of several commands that sh -c runs on after one fails, which really does go on', () => {
    const dir = tempProject({
      'w.yaml': `version: 1
tasks:
  build:
    run: |
      false
      echo built
    matrix: { os: [a, b] }
  checked: { run: "set -e\\nfalse\\necho never" }
  bash: { run: "false\\necho x", shell: bash -c }
  strict: { run: "false\\necho x", shell: bash -euo pipefail -c }
  one: { run: "false" }
`,
    });
    const r = cli(['lint', 'w.yaml', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const found = JSON.parse(r.stdout)[0].diagnostics.map((d: any) => `${d.code}@${d.line}:${d.column} ${d.severity}`);
    // Once per task (not per expansion), at its run key; bash -c too; not with set -e, -e in the shell, or one command.
    expect(found).toEqual(['script-continues-on-error@4:5 warning', 'script-continues-on-error@9:11 warning']);
    expect(cli(['lint', 'w.yaml'], { cwd: dir }).stdout).toContain('task "build" runs several commands with `sh -c`, which goes on after one fails');
    // What the warning says: the failing first line does not fail the task.
    const run = cli(['run', 'w.yaml', '--json', '--only', 'build,checked'], { cwd: dir });
    const result = JSON.parse(run.stdout);
    expect(result.tasks.find((t: any) => t.id === 'build[a]').status).toBe('succeeded');
    expect(result.tasks.find((t: any) => t.id === 'checked').status).toBe('failed');
  });

  it('reads a workflow from a pipe (<(...)), and stops reading a device that never ends at the size limit', () => {
    const dir = tempProject({ 'w.yaml': 'version: 1\ntasks:\n  a: { run: "true", needs: b }\n' });
    const piped = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" lint <(cat w.yaml)`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(piped.status).toBe(1);
    expect(piped.stdout).toMatch(/^\/dev\/fd\/\d+:3:28  error  task "a" needs "b", which is not a task  \[unknown-need\]$/m);
    const zero = cli(['lint', '/dev/zero'], { timeout: 60_000 });
    expect(zero.code).toBe(1);
    expect(zero.stdout).toContain('error  the file is larger than 64 MB: refusing to load it  [file-too-large]');
  });

  it('lets warnings pass unless --max-warnings is exceeded', () => {
    expect(cli(['lint', fixture('warnings')]).code).toBe(0);
    expect(cli(['lint', fixture('warnings'), '--max-warnings', '2']).code).toBe(0);
    const r = cli(['lint', fixture('warnings'), '--max-warnings', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 warnings, more than --max-warnings 1');
    const one = tempProject({ 'w.yaml': 'version: 1\nenv: { ORCHESTRATE_OUTPUT: x }\ntasks:\n  a: { run: "true" }\n' });
    expect(cli(['lint', 'w.yaml', '--max-warnings', '0'], { cwd: one }).stderr).toBe('orchestrate: 1 warning, more than --max-warnings 0\n');
    expect(cli(['lint', fixture('warnings'), '--quiet']).stdout).not.toContain('warning');
  });

  it('exits 2 for a missing file or a glob that matches nothing, after linting the rest', () => {
    const r = cli(['lint', fixture('clean'), 'nope.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('orchestrate: cannot read nope.yaml: no such file');
    const g = cli(['lint', 'nowhere/*.yaml']);
    expect(g.code).toBe(2);
    expect(g.stderr.trim()).toBe('orchestrate: no files match nowhere/*.yaml');
    expect(g.stdout).toBe('');
    // An empty argument is not the current directory (nor, as it once was, the whole file system).
    const empty = cli(['lint', ''], { timeout: 20_000 });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe('orchestrate: an empty path was given: name a workflow file, a glob or a directory\n');
    for (const command of ['plan', 'run', 'graph']) {
      expect(cli([command, '']).stderr, command).toContain('A workflow file is needed, got an empty path.');
    }
  });

  it('lints the .yaml and .yml files under a directory, leaving config files out', () => {
    const dir = tempProject({
      'flows/a.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n',
      'flows/deep/b.yml': 'version: 1\ntasks:\n  b: { run: "true", needs: nope }\n',
      'flows/orchestrate.config.yaml': 'policy: {}\n',
      'flows/notes.txt': 'not yaml',
      'flows/node_modules/dep/c.yaml': 'not: a workflow\n',
      'empty/.keep': '',
    });
    const r = cli(['lint', 'flows/', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).map((f: any) => [f.file, f.diagnostics.map((d: any) => d.code)])).toEqual([['flows/a.yaml', []], ['flows/deep/b.yml', ['unknown-need']]]);
    const none = cli(['lint', 'empty'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('orchestrate: no workflow files (*.yaml, *.yml) in empty\n');
  });

  it("leaves other tools' YAML under a directory out, saying so, but lints every workflow however broken and every file named", () => {
    const dir = tempProject({
      'repo/flow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n',
      'repo/typo.yaml': '# a workflow with a typo\nversion: 1\ntaks:\n  a: { run: "true" }\n',
      'repo/flow-style.yml': '---\n{ "version": 1, "tasks": { "a": { "run": "true" } } }\n',
      'repo/bom.yml': '\uFEFF"tasks":\n  a: { run: "true" }\n',
      'repo/docker-compose.yml': 'services:\n  web: { image: nginx }\n',
      'repo/ci/build.yml': 'on: push\njobs:\n  build: { runs-on: ubuntu-latest }\n',
      'repo/k8s.yaml': 'apiVersion: v1\nkind: Pod\nspec:\n  version: 2\n',
      'other/compose.yaml': 'services: {}\n',
      'other/ci.yml': 'on: push\n',
    });
    const r = cli(['lint', 'repo', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).map((f: any) => [f.file, f.diagnostics.map((d: any) => d.code)])).toEqual([
      ['repo/bom.yml', ['schema']], ['repo/flow-style.yml', []], ['repo/flow.yaml', []], ['repo/typo.yaml', ['schema', 'unknown-key']],
    ]);
    expect(r.stderr).toBe('orchestrate: not linted, as not workflows (no top-level version or tasks key): repo/ci/build.yml, repo/docker-compose.yml, repo/k8s.yaml\n');
    expect(cli(['lint', 'repo', '-q'], { cwd: dir }).stderr).toBe('');
    // A directory of other YAML only is one with no workflows; a file named is linted whatever it holds.
    const other = cli(['lint', 'other'], { cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toBe('orchestrate: no workflow files in other: none of its 2 YAML files has a top-level version or tasks key\n');
    const named = cli(['lint', 'repo/docker-compose.yml', 'repo/flow.yaml', '-f', 'json'], { cwd: dir });
    expect(JSON.parse(named.stdout).map((f: any) => f.file)).toEqual(['repo/docker-compose.yml', 'repo/flow.yaml']);
    expect(named.stderr).toBe('');
  });

  it('gives one line and exit 2 for unknown commands and flags, help and version exit 0', () => {
    const empties = [['run', 'x.yaml', '--events', ''], ['report', '--out', ''], ['plan', 'x.yaml', '--state', ''], ['lint', 'x.yaml', '--config', '']];
    for (const args of [['frobnicate'], ['lint', '--frob', 'x.yaml'], ['lint', 'x', '--format', 'xml'], ['lint', 'x', '--max-warnings', 'many'], ...empties]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^orchestrate: /);
      if (empties.includes(args)) expect(r.stderr).toContain('needs a path, got an empty one');
    }
    // Commander's "did you mean", and the flag another tool's flag stands for where the command has it.
    const said = (args: string[]) => cli(args).stderr;
    expect(said(['runn', 'x.yaml'])).toBe("orchestrate: unknown command 'runn'; did you mean run? (see orchestrate --help)\n");
    expect(said(['run', 'x.yaml', '--concurency', '2'])).toBe("orchestrate: unknown option '--concurency'; did you mean --concurrency? (see orchestrate run --help)\n");
    expect(said(['run', 'x.yaml', '-j', '4'])).toBe("orchestrate: unknown option '-j'; did you mean -n, --concurrency? (see orchestrate run --help)\n");
    expect(said(['run', 'x.yaml', '--continue'])).toBe("orchestrate: unknown option '--continue'; did you mean -k, --keep-going? (see orchestrate run --help)\n");
    expect(said(['plan', 'x.yaml', '--filter=web'])).toBe("orchestrate: unknown option '--filter=web'; did you mean --only? (see orchestrate plan --help)\n");
    expect(said(['run', 'x.yaml', '--cost-budget', '2'])).toBe("orchestrate: unknown option '--cost-budget'; did you mean --budget? (see orchestrate run --help)\n");
    expect(said(['plan', 'x.yaml', '--max-cost=2'])).toBe("orchestrate: unknown option '--max-cost=2'; did you mean --budget? (see orchestrate plan --help)\n");
    expect(said(['lint', '-j', 'x.yaml'])).toBe("orchestrate: unknown option '-j' (see orchestrate lint --help)\n");
    // What plan has no need of says why, not commander's near spelling (--budget for --quiet).
    expect(said(['plan', 'x.yaml', '--quiet'])).toBe("orchestrate: unknown option '--quiet': a plan is what plan prints (--json for a program); orchestrate lint -q checks a workflow and prints its errors only (see orchestrate plan --help)\n");
    expect(said(['plan', 'x.yaml', '--dry-run'])).toBe("orchestrate: unknown option '--dry-run': plan runs nothing: it is the dry run (run --dry-run prints the same plan) (see orchestrate plan --help)\n");
    // make's -s and --quiet, a verbose flag, node's -v: our flag with its value, before commander's near spelling (--budget).
    expect(said(['run', 'x.yaml', '--quiet'])).toBe("orchestrate: unknown option '--quiet'; did you mean --renderer silent? (see orchestrate run --help)\n");
    expect(said(['run', 'x.yaml', '-v'])).toBe("orchestrate: unknown option '-v'; did you mean --logs all? (see orchestrate run --help)\n");
    expect(said(['-v'])).toBe("orchestrate: unknown option '-v'; did you mean -V, --version? (see orchestrate --help)\n");
    // make's -C and -f, Taskfile's --dir and --taskfile: the workflow's path is the first word.
    expect(said(['run', '-C', 'services/api'])).toBe("orchestrate: unknown option '-C': give the workflow's path instead (orchestrate run services/api/orchestrate.yaml): its tasks run in its directory (see orchestrate run --help)\n");
    expect(said(['plan', '--dir=services/api'])).toBe("orchestrate: unknown option '--dir=services/api': give the workflow's path instead (orchestrate plan services/api/orchestrate.yaml): its tasks run in its directory (see orchestrate plan --help)\n");
    expect(said(['plan', '-f', 'x.yaml'])).toBe("orchestrate: unknown option '-f': the workflow file is the first word (orchestrate plan ci.yaml) (see orchestrate plan --help)\n");
    expect(said(['run', '--taskfile', 'x.yaml'])).toBe("orchestrate: unknown option '--taskfile': the workflow file is the first word (orchestrate run ci.yaml) (see orchestrate run --help)\n");
    // Where -f is a flag of the command (graph's format), it stays that.
    expect(cli(['graph', 'x.yaml', '-f', 'nope']).stderr).not.toContain('first word');
    expect(said(['reject', 'deploy', '-m', 'not now'])).toBe("orchestrate: unknown option '-m'; did you mean -r, --reason? (see orchestrate reject --help)\n");
    expect(said(['approve', 'deploy', '--comment', 'ok'])).toBe("orchestrate: unknown option '--comment' (see orchestrate approve --help)\n");
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('lint');
    // No command at all is a usage error: the same help, on stderr, and exit 2; `help` asks for it (exit 0).
    expect(cli([])).toEqual({ code: 2, stdout: '', stderr: help.stdout });
    expect(cli(['help'])).toEqual({ code: 0, stdout: help.stdout, stderr: '' });
    const version = cli(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('handles bad input with one message, a position and no stack trace', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const n of 'bcdefghij') bomb.push(`${n}: &${n} [${Array(9).fill(`*${String.fromCharCode(n.charCodeAt(0) - 1)}`).join(',')}]`);
    const dir = tempProject({
      'empty.yaml': '',
      'list.yaml': '- a\n',
      'tabs.yaml': 'version: 1\ntasks:\n\ta: { run: x }\n',
      'syntax.yaml': 'version: 1\ntasks: [a, b\n',
      'binary.yaml': '\u0000\u0001\u0002\u0003',
      'bomb.yaml': `${bomb.join('\n')}\nversion: 1\ntasks: { a: { run: x } }\n`,
      'types.yaml': 'version: 1\npolicy: { maxConcurrency: -1 }\ntasks:\n  "a b": { run: 3 }\n',
      'nul.yaml': 'version: 1\nx-notes: "\\0"\nenv: { X: "a\\0b" }\ntasks:\n  a: { run: "echo \\0" }\n',
      'nul-prompt.yaml': 'version: 1\nagents: { w: { command: cat } }\ntasks:\n  a: { agent: w, promptFile: prompt.bin }\n',
      'prompt.bin': 'say\u0000hi',
      'nul-dotenv.yaml': 'version: 1\ndotenv: [bin.env]\ntasks:\n  a: { run: "true" }\n',
      'bin.env': 'A=1\nB=x\u0000y\n',
    });
    writeFileSync(join(dir, 'big.yaml'), `version: 1\ntasks:\n  a:\n    run: x\n    description: "${'y'.repeat(20_000_000)}"\n  b:\n    run: 3\n`);
    const expected: Record<string, string[]> = {
      'empty.yaml': ['empty-file@1:1'],
      'list.yaml': ['not-a-mapping@1:1'],
      'tabs.yaml': ['yaml-syntax@3:1'],
      'syntax.yaml': ['yaml-syntax@3:1'],
      'binary.yaml': ['binary-file@1:1'],
      'bomb.yaml': ['alias-bomb@2:8'],
      'types.yaml': ['schema@2:27', 'invalid-id@4:3', 'schema@4:17'],
      'big.yaml': ['schema@7:10'],
      'nul.yaml': ['nul-byte@3:11', 'nul-byte@5:13'],
      'nul-prompt.yaml': ['nul-byte@4:30'],
      'nul-dotenv.yaml': ['bad-dotenv@2:10'],
    };
    const r = cli(['lint', '--format', 'json', ...Object.keys(expected)], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const reports = JSON.parse(r.stdout) as Array<{ file: string; diagnostics: Array<{ code: string; line: number; column: number }> }>;
    const actual = Object.fromEntries(reports.map((f) => [f.file, f.diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`)]));
    expect(actual).toEqual(expected);
    const messages = (file: string) => reports.find((f) => f.file === file)!.diagnostics.map((d: any) => d.message);
    expect(messages('nul.yaml')[1]).toBe('tasks.a.run holds a NUL byte (\\0), which no command, environment variable or path can carry');
    expect(messages('nul-prompt.yaml')[0]).toContain('its promptFile "prompt.bin" holds a NUL byte');
    expect(messages('nul-dotenv.yaml')[0]).toContain('bin.env:2: a NUL byte');
  });

  it('refuses `__proto__` as a name, which JavaScript objects would lose (an agent, a variable), wherever a name is written', () => {
    const dir = tempProject({
      '.env': 'OK=1\n__proto__=x\n',
      'names.yaml': [
        'version: 1',
        'env: { __proto__: e }',
        'inputs: { __proto__: {} }',
        'resources: { __proto__: 1 }',
        'agents:',
        '  __proto__: { command: cat }',
        'tasks:',
        '  __proto__: { run: "true" }',
        '  m: { matrix: { __proto__: [1] }, run: "true" }',
        '  a: { agent: __proto__, prompt: hi, captureStdout: __proto__ }',
        '',
      ].join('\n'),
      'dotenv.yaml': 'version: 1\ndotenv: [.env]\ntasks:\n  a: { run: "true" }\n',
    });
    const r = cli(['lint', 'names.yaml', 'dotenv.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const found = JSON.parse(r.stdout).flatMap((f: any) => f.diagnostics.map((d: any) => `${d.line}:${d.column} ${d.code} ${d.message}`));
    const reserved = 'the name is reserved, as JavaScript gives it a meaning of its own';
    expect(found).toEqual([
      `2:8 invalid-id "__proto__" is not a valid environment variable name: ${reserved}`,
      `3:11 invalid-id "__proto__" is not a valid input name: ${reserved}`,
      `4:14 invalid-id "__proto__" is not a valid resource name: ${reserved}`,
      `6:3 invalid-id "__proto__" is not a valid agent name: ${reserved}`,
      `8:3 invalid-id "__proto__" is not a valid task id: ${reserved}`,
      `9:18 invalid-id "__proto__" is not a valid matrix key: ${reserved}`,
      `10:15 schema tasks.a.agent is not valid: "__proto__" names nothing (${reserved})`,
      `10:53 schema tasks.a.captureStdout is not valid: "__proto__" names nothing (${reserved})`,
      `2:10 bad-dotenv .env:2: "__proto__" is not a valid variable name: ${reserved}`,
    ]);
  });
  it('applies a config file found from the workflow directory, and --config', () => {
    const dir = tempProject({
      'package.json': '{ "name": "p" }',
      'orchestrate.config.yaml': 'agents:\n  shared: { command: ./agent.sh }\n',
      'flows/uses-shared.yaml': 'version: 1\ntasks:\n  a: { agent: shared }\n',
      'other.yaml': 'agents:\n  shared: { command: x, concurency: 2 }\n',
    });
    expect(cli(['lint', 'flows/uses-shared.yaml'], { cwd: dir }).code).toBe(0);
    const bad = cli(['lint', 'flows/uses-shared.yaml', '--config', 'other.yaml'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('other.yaml:2:25  error  unknown key "concurency" in agents.shared (did you mean "concurrency"?)  [unknown-key]');
    const missing = cli(['lint', 'flows/uses-shared.yaml', '--config', 'absent.yaml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
  });

  it('flags a timeout of 0 in a config file as in a workflow, and runs nothing with it', () => {
    const dir = tempProject({
      'package.json': '{ "name": "p" }',
      'orchestrate.config.yaml': 'policy:\n  taskTimeout: 0s\nagents:\n  slow: { command: x, timeout: 0 }\n',
      'w.yaml': 'version: 1\ntasks:\n  a: { run: "touch ran" }\n',
    });
    const lint = cli(['lint', 'w.yaml'], { cwd: dir });
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain('orchestrate.config.yaml:2:16  error  policy.taskTimeout must be greater than 0');
    expect(lint.stdout).toContain('orchestrate.config.yaml:4:32  error  agents.slow.timeout must be greater than 0');
    expect(cli(['run', 'w.yaml'], { cwd: dir }).code).toBe(2);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('names the orchestrate key another tool\'s key stands for, in a workflow and in a config file (which has no tasks)', () => {
    const dir = tempProject({
      'package.json': '{ "name": "p" }',
      'orchestrate.config.yaml': 'jobs: 2\nmaxConcurrency: 3\nconcurrency: 4\n',
      'w.yaml': 'version: 1\ntasks:\n  a: { run: "true", depends_on: [b] }\n  b: { run: "true" }\n',
    });
    const lint = cli(['lint', 'w.yaml'], { cwd: dir });
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain('orchestrate.config.yaml:1:1  error  unknown key "jobs" at the top level; expected one of: policy, agents, resources, secretPatterns, state, retention, lint  [unknown-key]');
    expect(lint.stdout).toContain('orchestrate.config.yaml:2:1  error  unknown key "maxConcurrency" at the top level (did you mean "policy.maxConcurrency"?)  [unknown-key]');
    // Without the note on `exclusive`, which a config file does not have.
    expect(lint.stdout).toContain('orchestrate.config.yaml:3:1  error  unknown key "concurrency" at the top level (did you mean "policy.maxConcurrency"?)  [unknown-key]');
    const plain = tempProject({ 'package.json': '{ "name": "p" }', 'w.yaml': 'version: 1\ntasks:\n  a: { run: "touch ran", depends_on: [b] }\n  b: { run: "true" }\n' });
    const run = cli(['run', 'w.yaml'], { cwd: plain });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('w.yaml:3:26  error  unknown key "depends_on" in tasks.a (did you mean "needs"?)  [unknown-key]');
    expect(existsSync(join(plain, 'ran'))).toBe(false);
  });

  it('names the retention limit that prune\'s flags, a count of days or a build discarder stand for, and where retention goes', () => {
    const said = (config: string) => cli(['lint', 'w.yaml'], { cwd: tempProject({ 'package.json': '{}', 'orchestrate.config.yaml': config, 'w.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' }) }).stdout.split('\n')[1];
    expect(said('retention: { keep: 3, olderThan: 30d }\n')).toBe('orchestrate.config.yaml:1:14  error  unknown key "keep" in retention (did you mean "maxRuns"?)  [unknown-key]');
    expect(said('retention: { olderThan: 30d }\n')).toBe('orchestrate.config.yaml:1:14  error  unknown key "olderThan" in retention (did you mean "maxAge"?)  [unknown-key]');
    // 30 would be 30 seconds: the hint says so.
    expect(said('retention:\n  days: 30\n')).toBe('orchestrate.config.yaml:2:3  error  unknown key "days" in retention (did you mean "maxAge"? It takes a duration, and a plain number is seconds: 30 days is 30d.)  [unknown-key]');
    expect(said('retention-days: 30\n')).toBe('orchestrate.config.yaml:1:1  error  unknown key "retention-days" at the top level (did you mean "retention.maxAge"? It takes a duration, and a plain number is seconds: 30 days is 30d.)  [unknown-key]');
    const inWorkflow = cli(['lint', 'w.yaml'], { cwd: tempProject({ 'w.yaml': 'version: 1\nretention: { maxRuns: 3 }\ntasks:\n  a: { run: "true" }\n' }) });
    expect(inWorkflow.stdout).toContain('w.yaml:2:1  error  unknown key "retention" at the top level: how much history is kept is the project\'s choice: `retention` goes in the config file (orchestrate.config.yaml)  [unknown-key]');
  });

  it('loads a JavaScript config file', () => {
    const dir = tempProject({
      'package.json': '{ "name": "p", "type": "module" }',
      'orchestrate.config.mjs': 'export default { agents: { js: { command: "./js.sh" } } };\n',
      'w.yaml': 'version: 1\ntasks:\n  a: { agent: js }\n',
      'broken/package.json': '{ "name": "b" }',
      'broken/orchestrate.config.mjs': 'export default { agents: { js: { comand: 1 } } };\n',
      'broken/w.yaml': 'version: 1\ntasks:\n  a: { run: x }\n',
    });
    expect(cli(['lint', 'w.yaml'], { cwd: dir }).code).toBe(0);
    const broken = cli(['lint', 'broken/w.yaml', '--format', 'json'], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)[0].diagnostics.map((d: any) => d.code)).toEqual(['schema', 'unknown-key']);
  });

  it('names the JavaScript config file that throws or does not parse, CommonJS or ES module', () => {
    const dir = tempProject({
      'throws/package.json': '{ "name": "t" }',
      'throws/orchestrate.config.js': 'throw new Error("no config today");\n',
      'throws/w.yaml': 'version: 1\ntasks:\n  a: { run: x }\n',
      'syntax/package.json': '{ "name": "s" }',
      'syntax/orchestrate.config.mjs': 'export default {{\n',
      'syntax/w.yaml': 'version: 1\ntasks:\n  a: { run: x }\n',
      'cjs/package.json': '{ "name": "c", "type": "module" }',
      'cjs/orchestrate.config.cjs': 'module.exports = { policy: { maxConcurrency: 5 } };\n',
      'cjs/w.yaml': 'version: 1\ntasks:\n  a: { run: x }\n',
    });
    const throws = cli(['lint', 'throws/w.yaml'], { cwd: dir });
    expect(throws.code).toBe(1);
    expect(throws.stdout).toContain('orchestrate.config.js:1:1  error  cannot load the config file: no config today  [config-error]');
    const syntax = cli(['lint', 'syntax/w.yaml'], { cwd: dir });
    expect(syntax.code).toBe(1);
    expect(syntax.stdout).toMatch(/orchestrate\.config\.mjs:1:1 {2}error {2}cannot load the config file: Unexpected token/);
    expect(syntax.stdout + syntax.stderr).not.toContain('internal error');
    expect(JSON.parse(cli(['plan', 'cjs/w.yaml', '--json'], { cwd: dir }).stdout).concurrency).toBe(5);
  });

  it('reads defaults from the orchestrate key of package.json', () => {
    const dir = tempProject({
      'package.json': JSON.stringify({ name: 'p', orchestrate: { resources: { gpu: 2 } } }),
      'w.yaml': 'version: 1\ntasks:\n  a: { run: x, resources: { gpu: 2 } }\n',
    });
    expect(cli(['lint', 'w.yaml'], { cwd: dir }).stdout).toContain('no problems');
  });

  it('says where package.json is not JSON, and names its orchestrate key when that is what is wrong', () => {
    const dir = tempProject({
      // The config search reads the working directory's package.json as it starts, whichever workflow it loads.
      'package.json': '{\n  "name": "p",\n  "orchestrate": { "policy": { "maxConcurrency": 2, } }\n}\n',
      'w.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n',
      'number/package.json': '{ "name": "p", "orchestrate": 5 }',
      'number/w.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n',
    });
    const broken = cli(['lint', 'w.yaml'], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('package.json:3:53  error  package.json is not valid JSON, and the config search reads it: Expected double-quoted property name  [config-error]');
    const run = cli(['run', 'w.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('package.json:3:53');
    expect(existsSync(join(dir, '.orchestrate'))).toBe(false);
    const number = cli(['lint', 'w.yaml'], { cwd: join(dir, 'number') });
    expect(number.stdout).toContain('package.json:1:31  error  the "orchestrate" key of package.json must be a mapping, got an integer (5)  [schema]');
  });

  it('lints 100 files of 100 tasks quickly', () => {
    const files: Record<string, string> = {};
    for (let f = 0; f < 100; f++) {
      let text = `version: 1\nname: w${f}\ntasks:\n`;
      for (let t = 0; t < 100; t++) text += `  t${t}:\n    run: echo ${t}\n${t ? `    needs: [t${t - 1}${t > 5 ? `, t${t - 5}` : ''}]\n` : ''}`;
      files[`w${f}.yaml`] = text;
    }
    const dir = tempProject(files);
    const started = Date.now();
    const r = cli(['lint', '*.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('100 files linted');
    // Generous: the benchmark measures the real figure.
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('lint output in a terminal', () => {
  it('refuses a terminal escape in a name or description, which every command would print; lines and tabs in descriptions are fine', () => {
    const dir = tempProject({
      'w.yaml': 'version: 1\nname: "evil\\e[2J\\e]0;title\\a"\ndescription: "two\\nlines\\tand a tab"\ninputs:\n  who: { description: "\\e[8mhidden" }\ntasks:\n  a: { run: "true", description: "x\\u009b5my" }\n',
    });
    const r = cli(['lint', 'w.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)[0].diagnostics.map((d: any) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([
      '2:7 schema name holds a control character ("evil\\u001b[2J\\u001b]0;title\\u0007"): a terminal escape would drive the terminals it is shown on; write the text without it',
      '5:23 schema inputs.who.description holds a control character ("\\u001b[8mhidden"): a terminal escape would drive the terminals it is shown on; write the text without it',
      '7:34 schema tasks.a.description holds a control character ("x\\u009b5my"): a terminal escape would drive the terminals it is shown on; write the text without it',
    ]);
    for (const command of ['run', 'plan', 'list']) {
      const refused = cli([command, 'w.yaml'], { cwd: dir });
      expect(refused.code, command).toBe(2);
      expect(refused.stdout + refused.stderr).not.toMatch(/[\u0001-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
    // A file whose own name holds one: the default name shows it as an escape.
    writeFileSync(join(dir, 'odd\u001b[2J.yaml'), 'version: 1\ntasks:\n  a: { run: "true" }\n');
    const listed = cli(['list', 'odd\u001b[2J.yaml'], { cwd: dir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('odd\\u001b[2J (');
  });

  it('shows the control characters of a file as escapes, never sends them to the terminal, and no snippet of a binary file', () => {
    const dir = tempProject({
      'need.yaml': 'version: 1\ntasks:\n  a: { run: "true", needs: ["x\\e[31mred\\u0007"] }\n',
      'env.yaml': 'version: 1\ntasks:\n  b: { run: "true", env: { "K\\e]0;title\\u0007": "v" } }\n',
      'bin.yaml': Buffer.from([0x76, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0xff, 0xfe]).toString('latin1'),
    });
    const r = cli(['lint', 'need.yaml', 'env.yaml', 'bin.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.stdout).toContain('task "a" needs "x\\u001b[31mred\\u0007", which is not a task');
    expect(r.stdout).toContain('"K\\u001b]0;title\\u0007" is not a valid environment variable name');
    expect(r.stdout).toMatch(/bin\.yaml:1:\d+ {2}error {2}this is not a text file: it contains binary data {2}\[binary-file\]\n\n/);
  });

  it('refuses a file that is not UTF-8 where it stands, and reads UTF-16 with its byte order mark as YAML allows', () => {
    const dir = tempProject({ 'package.json': '{}' });
    const text = 'version: 1\ntasks:\n  a: { run: "echo café > out.txt" }\n';
    // Latin-1 (Windows-1252): é is the byte E9, not UTF-8. The command run would have been another one.
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.from(text, 'latin1'));
    const latin1 = cli(['lint', 'latin1.yaml', '--format', 'json'], { cwd: dir });
    expect(latin1.code).toBe(1);
    expect(JSON.parse(latin1.stdout)[0].diagnostics.map((d: any) => `${d.line}:${d.column} ${d.code}`)).toEqual(['3:22 not-utf8']);
    expect(cli(['run', 'latin1.yaml'], { cwd: dir }).code).toBe(2);
    expect(existsSync(join(dir, 'out.txt'))).toBe(false);
    // What PowerShell's `>` writes (little-endian) and its big-endian twin.
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    writeFileSync(join(dir, 'le.yaml'), utf16le);
    writeFileSync(join(dir, 'be.yaml'), Buffer.from(utf16le).swap16());
    for (const file of ['le.yaml', 'be.yaml']) {
      expect(cli(['lint', file], { cwd: dir }).stdout, file).toContain('no problems');
      expect(cli(['run', file, '--renderer', 'silent'], { cwd: dir }).code, file).toBe(0);
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('café\n');
    }
  });
});

describe('lint warnings about directories and conditions', () => {
  it('warns about a cwd that is not there (a task\'s per expansion, an agent\'s once) and is silenced where it is meant', () => {
    const dir = tempProject({
      'pkg/web/x': '',
      'orchestrate.config.yaml': 'agents:\n  helper: { command: cat, cwd: helper-dir }\n',
      'w.yaml': `version: 1
agents:
  bot: { command: cat, cwd: agents-dir }
tasks:
  a: { run: "true", cwd: pkg/wbe }
  b: { run: "true", cwd: "pkg/\${{ matrix.p }}", matrix: { p: [web, api] } }
  c: { agent: bot, prompt: hi }
  d: { agent: bot, prompt: hi }
  e: { run: "true", cwd: w.yaml }
  build: { run: "mkdir -p out", captureStdout: dirs }
  each: { needs: build, matrix: { d: "\${{ tasks.build.outputs.dirs }}" }, cwd: "pkg/\${{ matrix.d }}", run: "true" }
  later: { needs: build, cwd: "\${{ tasks.build.outputs.dirs }}", run: "true" }
  pack:
    needs: build
    # orchestrate-lint-disable-next-line missing-cwd -- build makes it
    cwd: out
    run: "true"
  help: { agent: helper, prompt: hi }
  tilde: { run: "true", cwd: ~/orchestrate-no-such-dir }
  compile: { run: "mkdir -p dist && touch dist/app.js", artifacts: [dist/app.js] }
  serve: { needs: compile, cwd: dist, run: "true" }
  self: { cwd: made-here, run: "true", artifacts: [x.txt] }
`,
    });
    const r = cli(['lint', 'w.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const found = JSON.parse(r.stdout)[0].diagnostics.map((d: any) => `${d.line}:${d.column} ${d.code} ${d.message.split(':')[0]}`);
    expect(found).toEqual([
      '3:29 missing-cwd agent "bot" (of task "c") runs in agents-dir, which does not exist (yet?)',
      '5:26 missing-cwd task "a" runs in pkg/wbe, which does not exist (yet?)',
      '6:26 missing-cwd task "b[api]" runs in pkg/api, which does not exist (yet?)',
      '9:26 missing-cwd task "e" runs in w.yaml, which is not a directory',
      '18:18 missing-cwd agent "helper" of the config file (of task "help") runs in helper-dir, which does not exist (yet?)',
      // ~ is the home directory, as the shell reads it.
      `19:30 missing-cwd task "tilde" runs in ${relative(dir, join(homedir(), 'orchestrate-no-such-dir'))}, which does not exist (yet?)`,
      // serve's dist is where compile declares it writes; a task's own artifacts do not make the directory it starts in.
      '22:16 missing-cwd task "self" runs in made-here, which does not exist (yet?)',
    ]);
    // And the run still runs what it can: the warning is not a refusal.
    expect(cli(['run', 'w.yaml', 'pack'], { cwd: dir }).code).toBe(0);
  });

  it('warns about an agent whose command is a relative path not there from where its tasks run; a config file\'s agent cwd is relative to that file', () => {
    const dir = tempProject({
      'package.json': '{}',
      'agents/review.sh': '#!/bin/sh\necho "reviewed in $PWD"\n',
      'orchestrate.config.yaml': 'agents:\n  reviewer: { command: ./agents/review.sh }\n  rooted: { command: ./agents/review.sh, cwd: . }\n',
      'flows/w.yaml': `version: 1
agents:
  local: { command: ./nope.sh --fast }
  near: { command: ../agents/review.sh }
  built: { command: ./out/tool }
tasks:
  a: { agent: reviewer, prompt: hi }
  b: { agent: local, prompt: hi }
  c: { agent: near, prompt: hi }
  d: { agent: built, prompt: hi, needs: make }
  make: { run: "mkdir -p out && cp ../agents/review.sh out/tool", artifacts: [out/tool] }
  e: { agent: rooted, prompt: hi }
  f: { run: ./made-later.sh }
  g: { run: sh ../agents/reveiw.sh }
`,
    });
    chmodSync(join(dir, 'agents/review.sh'), 0o755);
    const r = cli(['lint', 'flows/w.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].diagnostics.map((d: any) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([
      '3:21 missing-program agent "local" (of task "b") runs ./nope.sh, but there is no nope.sh beside the workflow file, where its tasks run; every task of it would fail with "not found"',
      '7:15 missing-program agent "reviewer" of the config file (of task "a") runs ./agents/review.sh, but there is no agents/review.sh beside the workflow file, where its tasks run: a config file\'s agent runs where its tasks do unless it sets `cwd` (relative to the config file); every task of it would fail with "not found"',
      // A task's own script only when a file of a near name is there: a typo, not what an earlier task builds (f).
      '14:13 missing-program task "g" runs ../agents/reveiw.sh, but there is no reveiw.sh in ../agents (did you mean ../agents/review.sh?): the task would fail with "not found" when the run gets to it',
    ]);
    expect(cli(['run', 'flows/w.yaml', 'g'], { cwd: dir }).code).toBe(1);
    // The config's cwd is relative to the config file: the agent runs at the project's root, whichever directory the workflow is in.
    const run = cli(['run', 'flows/w.yaml', 'e', 'c', '--logs', 'all', '--renderer', 'simple'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`[e] reviewed in ${dir}\n`);
    expect(run.stdout).toContain(`[c] reviewed in ${join(dir, 'flows')}\n`);
  });

  it('warns about sources that name nothing (a typo would keep the task up to date), not what a task makes or an input names', () => {
    const dir = tempProject({
      'src/app.ts': '',
      'package.json': '{}',
      'w.yaml': `version: 1
inputs:
  dir: { default: nowhere }
tasks:
  build:
    run: "mkdir -p out/lib && touch out/app.js"
    sources: [scr/**/*.ts, src/**/*.ts, pakage.json, package.json, "\${{ inputs.dir }}/**"]
    artifacts: [out/app.js, out/lib/*.d.ts]
  test:
    needs: build
    sources: [out/app.js, out/lib, "pkg/\${{ matrix.p }}/*.ts"]
    matrix: { p: [web] }
    run: "true"
  pack:
    needs: build
    # orchestrate-lint-disable-next-line missing-sources -- the release script writes it
    sources: [release.txt]
    run: "true"
`,
    });
    const r = cli(['lint', 'w.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const found = JSON.parse(r.stdout)[0].diagnostics.map((d: any) => `${d.line}:${d.column} ${d.code} ${d.message.split(' (yet?)')[0]}`);
    expect(found).toEqual([
      '7:15 missing-sources task "build": the directory of its sources entry "scr/**/*.ts", scr, does not exist',
      '7:41 missing-sources task "build": its sources entry pakage.json does not exist',
      '11:36 missing-sources task "test[web]": the directory of its sources entry "pkg/web/*.ts", pkg/web, does not exist',
    ]);
    expect(JSON.parse(r.stdout)[0].diagnostics[0].message).toContain('a typo keeps the task up to date while the files it meant change');
  });

  it('warns about ordering a text literal, which is always false', () => {
    const dir = tempProject({ 'w.yaml': "version: 1\ntasks:\n  a: { run: 'true', when: \"env.SCORE >= 0.8 || env.NAME > 'm'\" }\n" });
    const [report] = JSON.parse(cli(['lint', 'w.yaml', '--format', 'json'], { cwd: dir }).stdout);
    expect(report.diagnostics.map((d: any) => [d.code, d.line, d.message])).toEqual([
      ['ordering-not-number', 3, 'task "a": its `when` orders \'m\', which is not a number: `<`, `<=`, `>` and `>=` compare numbers, so that comparison is always false (compare text with == or contains())'],
    ]);
  });
});

describe('a secret in a command line', () => {
  it('warns where a template puts a secret into a run or an agent command, whose command line ps shows; the workflow runs still, and it may be turned off', () => {
    const workflow = `version: 1
secrets: [DEPLOY_CRED]
inputs: { api-token: { default: none }, version: { default: "1" } }
agents:
  ai: { command: 'sh -c "true" --key \${{ env.OPENAI_API_KEY }}' }
tasks:
  a: { run: 'echo "\${{ env.HOME }}" \${{ env.API_TOKEN }} > /dev/null' }
  b: { run: 'echo \${{ inputs.api-token }} \${{ inputs.version }} > /dev/null' }
  c: { run: 'echo \${{ env.DEPLOY_CRED }} \${{ env.API_TOKEN }} > /dev/null' }
  d: { run: 'echo "$API_TOKEN" > /dev/null', env: { NOTE: "\${{ env.API_TOKEN }}" } }
  e: { agent: ai, prompt: "\${{ env.API_TOKEN }}" }
`;
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': workflow });
    const [report] = JSON.parse(cli(['lint', 'w.yaml', '--format', 'json'], { cwd: dir }).stdout);
    // Not where no command line shows it: the environment (d), a prompt (e), a variable that is no secret.
    expect(report.diagnostics.map((d: any) => [d.code, d.line, d.column, d.message])).toEqual([
      ['secret-in-command', 5, 18, 'agent "ai" puts the secret ${{ env.OPENAI_API_KEY }} into its command line, which every user of this machine can read (ps): use the variable itself ("$OPENAI_API_KEY"), which the task has in its environment'],
      ['secret-in-command', 7, 13, 'task "a" puts the secret ${{ env.API_TOKEN }} into its command line, which every user of this machine can read (ps): use the variable itself ("$API_TOKEN"), which the task has in its environment'],
      ['secret-in-command', 8, 13, 'task "b" puts the secret ${{ inputs.api-token }} into its command line, which every user of this machine can read (ps): give it to the task in its environment (env: { API_TOKEN: "${{ inputs.api-token }}" }) and use "$API_TOKEN"'],
      ['secret-in-command', 9, 13, 'task "c" puts the secrets ${{ env.DEPLOY_CRED }}, ${{ env.API_TOKEN }} into its command line, which every user of this machine can read (ps): use the variable itself ("$DEPLOY_CRED"), which the task has in its environment'],
    ]);
    // A warning: the workflow runs, and where it is meant it is silenced.
    expect(cli(['run', 'w.yaml', '--renderer', 'silent'], { cwd: dir, env: { API_TOKEN: 'x-token', OPENAI_API_KEY: 'y-key', DEPLOY_CRED: 'z-cred' } }).code).toBe(0);
    writeFileSync(join(dir, 'orchestrate.config.yaml'), 'lint: { disable: [secret-in-command] }\n');
    expect(cli(['lint', 'w.yaml'], { cwd: dir }).stdout).toBe('✔ 1 file linted, no problems\n');
  });
});

describe('a secret written in the workflow file', () => {
  it('is a warning where it looks like a credential, and every line lint or run shows has it hidden', () => {
    const broken = 'version: 1\nsecrets: [DEPLOY_PASS]\ntasks:\n  a: { run: "true", env: { API_TOKEN: tok-9876543210, DEPLOY_PASS: hunter22 }, needs: nope }\n';
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': broken });
    const masked = '  4 |   a: { run: "true", env: { API_TOKEN: **************, DEPLOY_PASS: ******** }, needs: nope }\n';
    const lint = cli(['lint', 'w.yaml'], { cwd: dir });
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain(masked);
    const run = cli(['run', 'w.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(masked);
    for (const out of [lint.stdout, run.stdout, run.stderr]) expect(out).not.toMatch(/tok-9876543210|hunter22/);
    // Fixed, it runs, and lint warns at each value that looks like a credential.
    writeFileSync(join(dir, 'w.yaml'), broken.replace(', needs: nope', ''));
    const [report] = JSON.parse(cli(['lint', 'w.yaml', '--format', 'json'], { cwd: dir }).stdout);
    expect(report.diagnostics.map((d: any) => [d.code, d.line, d.column])).toEqual([['secret-in-file', 4, 39], ['secret-in-file', 4, 68]]);
    expect(report.diagnostics[0].message).toBe('the value of API_TOKEN is written in the workflow file, so whoever can read the file (or its git history) has it: set API_TOKEN in the environment (a CI secret) or in a dotenv file git ignores, where tasks get it from, instead');
    expect(cli(['run', 'w.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'orchestrate.config.yaml'), 'lint: { disable: [secret-in-file] }\n');
    expect(cli(['lint', 'w.yaml'], { cwd: dir }).stdout).toBe('✔ 1 file linted, no problems\n');
  });
});

describe('an agent\'s answer in a command', () => {
  it('warns where a run holds an agent task\'s output or a matrix value from one, which the shell would run as code; env, prompts and shell tasks\' outputs are not flagged', () => {
    // The model was talked into answering with shell syntax.
    const answer = 'Fix"; touch injected; echo "';
    const workflow = `version: 1
include: { docs: docs.yaml }
agents:
  ai: { command: 'printf "%s" "$ANSWER"', env: { ANSWER: '${answer}' } }
  lister: { command: 'printf "a.ts\\nb.ts;touch listed\\n"' }
tasks:
  draft: { agent: ai, prompt: title please, captureStdout: title }
  find: { agent: lister, prompt: files please, captureStdout: files }
  unsafe: { needs: draft, run: 'echo "\${{ tasks.draft.outputs.title }}" > /dev/null' }
  safe: { needs: draft, env: { DRAFT_TITLE: "\${{ tasks.draft.outputs.title }}" }, run: 'printf "%s" "$DRAFT_TITLE" > title.txt' }
  asked: { needs: draft, agent: ai, prompt: "Improve \${{ tasks.draft.outputs.title }}" }
  review:
    needs: find
    matrix: { file: "\${{ tasks.find.outputs.files }}" }
    run: 'echo \${{ matrix.file }} > /dev/null'
  reviewSafe:
    needs: find
    matrix: { file: "\${{ tasks.find.outputs.files }}" }
    env: { MATRIX_FILE: "\${{ matrix.file }}" }
    run: 'printf "%s\\n" "$MATRIX_FILE" >> files.txt'
  version: { run: 'echo v=1.2 >> $ORCHESTRATE_OUTPUT' }
  package: { needs: version, run: 'echo \${{ tasks.version.outputs.v }} > /dev/null' }
  publish: { needs: docs.gen, run: 'echo \${{ tasks.docs.gen.outputs.page }} > /dev/null' }
`;
    const dir = tempProject({
      'package.json': '{}',
      'w.yaml': workflow,
      'docs.yaml': "version: 1\nagents:\n  writer: { command: 'printf index.html' }\ntasks:\n  gen: { agent: writer, prompt: a page, captureStdout: page }\n",
    });
    const [report] = JSON.parse(cli(['lint', 'w.yaml', '--format', 'json'], { cwd: dir }).stdout);
    expect(report.diagnostics.map((d: any) => [d.code, d.line, d.column, d.message])).toEqual([
      ['agent-output-in-command', 9, 39, 'task "unsafe" puts output "title" of agent task "draft" into its command, where a quote, $(...) or ; in the answer runs as code: give it to the task in its environment (env: { DRAFT_TITLE: "${{ tasks.draft.outputs.title }}" }) and use "$DRAFT_TITLE"'],
      ['agent-output-in-command', 15, 16, 'task "review" puts matrix value "file", which agent task "find" answered, into its command, where a quote, $(...) or ; in the answer runs as code: give it to the task in its environment (env: { MATRIX_FILE: "${{ matrix.file }}" }) and use "$MATRIX_FILE"'],
      ['agent-output-in-command', 23, 42, 'task "publish" puts output "page" of agent task "docs.gen" into its command, where a quote, $(...) or ; in the answer runs as code: give it to the task in its environment (env: { DOCS_GEN_PAGE: "${{ tasks.docs.gen.outputs.page }}" }) and use "$DOCS_GEN_PAGE"'],
    ]);
    // What it warns of: the answers ran as code in the commands that held them, and were read as values through env.
    const run = cli(['run', 'w.yaml', '--renderer', 'silent'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(dir, 'injected'))).toBe(true);
    expect(existsSync(join(dir, 'listed'))).toBe(true);
    expect(readFileSync(join(dir, 'title.txt'), 'utf8')).toBe(answer);
    expect(readFileSync(join(dir, 'files.txt'), 'utf8').split('\n').sort()).toEqual(['', 'a.ts', 'b.ts;touch listed']);
    writeFileSync(join(dir, 'orchestrate.config.yaml'), 'lint: { disable: [agent-output-in-command] }\n');
    expect(cli(['lint', 'w.yaml'], { cwd: dir }).stdout).toBe('✔ 1 file linted, no problems\n');
  });
});

describe('a condition that can never hold', () => {
  it('warns where a value is compared with one it can never have, runs the workflow still, and may be turned off', () => {
    const workflow = "version: 1\ninputs:\n  target: { default: staging, enum: [staging, production] }\ntasks:\n  deploy: { run: 'touch deployed', when: \"inputs.target == 'prod'\" }\n";
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': workflow });
    const lint = cli(['lint', 'w.yaml'], { cwd: dir });
    expect(lint.code).toBe(0);
    expect(lint.stdout).toContain("w.yaml:5:42  warning  task \"deploy\": its `when` compares inputs.target with 'prod', which is none of the values it can have ('staging', 'production'), so `==` is always false  [not-an-option]");
    expect(cli(['run', 'w.yaml', '-i', 'target=production'], { cwd: dir }).code).toBe(0);
    expect(existsSync(join(dir, 'deployed'))).toBe(false);
    writeFileSync(join(dir, 'orchestrate.config.yaml'), 'lint: { disable: [not-an-option] }\n');
    expect(cli(['lint', 'w.yaml'], { cwd: dir }).stdout).toBe('✔ 1 file linted, no problems\n');
  });
});

describe('lint.disable in the config file', () => {
  it('turns warnings off for every workflow of the project, never errors; an unknown code is a config error', () => {
    const workflow = 'version: 1\ntasks:\n  a:\n    run: |\n      echo one\n      echo two\n  b: { run: "true", prompt: hi }\n';
    const dir = tempProject({ 'package.json': '{}', 'orchestrate.config.yaml': 'lint: { disable: [script-continues-on-error] }\n', 'w.yaml': workflow });
    const codes = (r: { stdout: string }) => JSON.parse(r.stdout).flatMap((f: any) => f.diagnostics.map((d: any) => d.code));
    expect(codes(cli(['lint', 'w.yaml', '--format', 'json'], { cwd: dir }))).toEqual(['prompt-without-agent']);
    writeFileSync(join(dir, 'orchestrate.config.yaml'), 'lint: { disable: [script-continues-on-error, unknown-need] }\n');
    const refused = cli(['lint', 'w.yaml'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/orchestrate\.config\.yaml:1:46 {2}error {2}lint\.disable\[1\] must be one of .*; got "unknown-need": "unknown-need" is an error, which cannot be silenced: the workflow would not run {2}\[schema\]/);
    // A warning's name misspelt gets the nearest.
    writeFileSync(join(dir, 'orchestrate.config.yaml'), 'lint: { disable: [script-continues-on-eror] }\n');
    expect(cli(['lint', 'w.yaml'], { cwd: dir }).stdout).toContain('got "script-continues-on-eror" (did you mean "script-continues-on-error"?)');
  });
});

describe('lint-disable comments', () => {
  const lint = (text: string, ...flags: string[]) => {
    const dir = tempProject({ 'w.yaml': text });
    const r = cli(['lint', 'w.yaml', '--format', 'json', ...flags], { cwd: dir });
    return { code: r.code, found: (JSON.parse(r.stdout)[0]?.diagnostics ?? []).map((d: { code: string; line: number; message: string }) => `${d.line} ${d.code}: ${d.message}`) as string[] };
  };
  const twoLines = 'run: |\n      echo one\n      echo two';

  it('silence the warnings they name on their line, the next line or the whole file, so --max-warnings 0 passes', () => {
    const text = `version: 1
tasks:
  a:
    # orchestrate-lint-disable-next-line script-continues-on-error -- the last line decides, on purpose
    ${twoLines}
  b: { run: "true", prompt: hi }  # orchestrate-lint-disable-line prompt-without-agent
  c: { run: "true", maxParallel: 2, prompt: hi }  # orchestrate-lint-disable-line
  d: { run: "true", failFast: true }
`;
    const loud = lint(text.replace(/# orchestrate-lint-disable\S*( .*)?/g, ''));
    expect(loud.found.map((f) => f.split(':')[0])).toEqual(['5 script-continues-on-error', '8 prompt-without-agent', '9 no-matrix', '9 prompt-without-agent', '10 no-matrix']);
    const quiet = lint(text);
    expect(quiet.found).toEqual([expect.stringMatching(/^10 no-matrix: /)]);
    // A file-wide comment, anywhere, silences its code everywhere.
    const all = lint(`${text}# orchestrate-lint-disable no-matrix\n`, '--max-warnings', '0');
    expect(all.found).toEqual([]);
    expect(all.code).toBe(0);
  });

  it('never silence errors, and say when they name an error, an unknown code, or silence nothing', () => {
    const r = lint(`version: 1
tasks:
  a: { run: "true", needs: [zz] }  # orchestrate-lint-disable-line unknown-need, no-matrx, artifact-conflict, constructor
`);
    expect(r.code).toBe(1);
    // The error stays; the comment is wrong twice; "unused" is not said of a file with errors (they stop the checks that warn).
    expect(r.found).toEqual([
      '3 unknown-need: task "a" needs "zz", which is not a task',
      '3 bad-disable: "unknown-need" is an error, which cannot be silenced: the workflow would not run',
      '3 bad-disable: no lint code "no-matrx" (did you mean "no-matrix"?)',
      // A word every JavaScript object has is no code either.
      '3 bad-disable: no lint code "constructor"',
    ]);
    const unused = lint('version: 1\ntasks:\n  # orchestrate-lint-disable-next-line no-matrix\n  a: { run: "true" }\n');
    expect(unused.found).toEqual(['3 unused-disable: this comment silences nothing: no no-matrix warning on the next line']);
  });

  it('are YAML comments only: the same words in a block scalar or a string are not', () => {
    const r = lint(`version: 1
tasks:
  a:
    run: |
      # orchestrate-lint-disable-next-line script-continues-on-error
      echo one
      echo two
  b: { run: "true", prompt: "# orchestrate-lint-disable-line prompt-without-agent" }
`);
    expect(r.found.map((f) => f.split(':')[0])).toEqual(['4 script-continues-on-error', '8 prompt-without-agent']);
  });
});
