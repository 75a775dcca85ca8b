import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../helpers/sqlite.js';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';
import { validator } from '../helpers/schemas.js';
import { loadWorkflow, OrchestrateError } from '../../src/index.js';

const validateEvent = validator('events');

// Each task appends to a marker file, so a test can count how often it really ran.
const deploy = `version: 1
name: deploy
inputs:
  version: { description: the release to deploy }
  target: { enum: [staging, production], default: staging }
  replicas: { type: number, default: 2 }
agents:
  notes: { command: "{ cat; echo; echo \${{ inputs.version }}; } > notes.txt" }
tasks:
  build:
    run: echo "\${{ inputs.version }}" >> build.ran
  deploy:
    needs: build
    run: echo "$TARGET x\${{ inputs.replicas }}" >> deploy.ran && test -f ok
    env: { TARGET: "\${{ inputs.target }}" }
  notes:
    agent: notes
    prompt: "release \${{ inputs.version }}"
  lint:
    run: echo x >> lint.ran
`;

const lines = (dir: string, file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').trim().split('\n') : []);
const run = (dir: string, args: string[]) => cli(['run', 'workflow.yaml', '--renderer', 'silent', ...args], { cwd: dir });
const statuses = (dir: string, args: string[]) => {
  const r = cli(['run', 'workflow.yaml', '--json', ...args], { cwd: dir });
  return Object.fromEntries(JSON.parse(r.stdout).tasks.map((t: any) => [t.id, t.reason === 'reused' ? 'reused' : t.status]));
};

describe('workflow inputs', () => {
  it('fill ${{ inputs.NAME }} in run, env, prompts and agent commands, and are recorded in the events and the history', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': deploy, ok: '' });
    const r = run(dir, ['-i', 'version=1.4.2', '--input', 'target=production']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(dir, 'build.ran')).toEqual(['1.4.2']);
    expect(lines(dir, 'deploy.ran')).toEqual(['production x2']);
    expect(lines(dir, 'notes.txt')).toEqual(['release 1.4.2', '1.4.2']);
    const db = openSqlite(join(dir, '.orchestrate/state.db'), { readonly: true });
    const row = db.prepare('SELECT id, inputs FROM runs').get() as { id: string; inputs: string };
    db.close();
    expect(JSON.parse(row.inputs)).toEqual({ version: '1.4.2', target: 'production', replicas: '2' });
    const events = readFileSync(join(dir, '.orchestrate/runs', row.id, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const e of events) expect(validateEvent(e), JSON.stringify(validateEvent.errors)).toBe(true);
    expect(events[0]).toMatchObject({ type: 'workflow.started', inputs: { version: '1.4.2', target: 'production', replicas: '2' } });
  });

  it('refuses to start, in one line with exit 2, when an input is missing, unknown or does not fit', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': deploy, ok: '' });
    const cases: Array<[string[], string]> = [
      [[], 'orchestrate: workflow.yaml: missing input "version" (the release to deploy): give it with --input NAME=VALUE\n'],
      [['-i', 'version=1', '-i', 'target=prod'], 'orchestrate: workflow.yaml: input "target" must be one of "staging", "production", got "prod"\n'],
      [['-i', 'version=1', '-i', 'replicas=many', '-i', 'verison=2'], 'orchestrate: workflow.yaml: unknown input "verison" (did you mean "version"?); input "replicas" must be a number, got "many"\n'],
      [['-i', 'version'], 'orchestrate: --input must be NAME=VALUE, got "version"\n'],
    ];
    for (const [args, message] of cases) {
      const r = run(dir, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(message);
    }
    expect(lines(dir, 'build.ran')).toEqual([]);
    expect(existsSync(join(dir, '.orchestrate'))).toBe(false);
    // A description of several lines is joined: still one line.
    writeFileSync(join(dir, 'multi.yaml'), 'version: 1\ninputs:\n  who:\n    description: |\n      the person\n      to greet\ntasks:\n  a: { run: "true" }\n');
    expect(cli(['run', 'multi.yaml'], { cwd: dir }).stderr).toBe('orchestrate: multi.yaml: missing input "who" (the person to greet): give it with --input NAME=VALUE\n');
  });

  it('plans without values, but checks those given', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': deploy });
    expect(cli(['plan', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    expect(cli(['run', 'workflow.yaml', '--dry-run'], { cwd: dir }).code).toBe(0);
    const bad = cli(['plan', 'workflow.yaml', '-i', 'replicas=x'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('orchestrate: workflow.yaml: input "replicas" must be a number, got "x"\n');
    expect(existsSync(join(dir, '.orchestrate'))).toBe(false);
  });

  it('lints the declarations and every reference, with positions', () => {
    const dir = tempProject({
      'workflow.yaml': `version: 1
inputs:
  count: { type: number, default: many }
  mode: { enum: [fast, slow], default: medium }
  "bad name": {}
env: { X: "\${{ inputs.cuont }}" }
tasks:
  t: { run: "echo \${{ inputs.mdoe }}" }
`,
    });
    const r = cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    // A bad name is a schema error: the deeper checks wait until it is fixed.
    const found = JSON.parse(r.stdout)[0].diagnostics.map((d: any) => `${d.line}:${d.column} ${d.code} ${d.message}`);
    expect(found).toEqual(['5:3 invalid-id "bad name" is not a valid input name: use letters, digits, "_" and "-", starting with a letter or "_"']);
    writeFileSync(join(dir, 'workflow.yaml'), readFileSync(join(dir, 'workflow.yaml'), 'utf8').replace('  "bad name": {}\n', ''));
    const rest = JSON.parse(cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: dir }).stdout)[0].diagnostics.map((d: any) => `${d.line}:${d.column} ${d.code} ${d.message}`);
    expect(rest).toEqual([
      '3:35 bad-input input "count": its default "many" is not a number',
      '4:40 bad-input input "mode": its default "medium" is not one of its enum values ("fast", "slow")',
      '5:12 unknown-reference the workflow env uses ${{ inputs.cuont }}, but the workflow has no input "cuont" (did you mean "count"?)',
      '7:19 unknown-reference task "t" uses ${{ inputs.mdoe }}, but the workflow has no input "mdoe" (did you mean "mode"?)',
    ]);
  });

  it('resumes with the inputs of the run it resumes, and runs again only what uses a changed one', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': deploy });
    expect(run(dir, ['-i', 'version=1.0']).code).toBe(1);
    writeFileSync(join(dir, 'ok'), '');
    // Not given again: version 1.0 from the failed run; build is not run again.
    expect(statuses(dir, ['--resume'])).toEqual({ build: 'reused', deploy: 'succeeded', notes: 'reused', lint: 'reused' });
    expect(lines(dir, 'deploy.ran')).toEqual(['staging x2', 'staging x2']);
    expect(lines(dir, 'build.ran')).toEqual(['1.0']);
    // A changed input runs again what uses it (and what needs that), and nothing else.
    expect(run(dir, ['-i', 'version=1.0', '-i', 'replicas=3']).code).toBe(0);
    writeFileSync(join(dir, 'workflow.yaml'), `${deploy}  last: { run: "false", needs: lint }\n`);
    expect(run(dir, ['-i', 'version=1.0']).code).toBe(1);
    expect(statuses(dir, ['--resume', '-i', 'version=1.1'])).toEqual({ build: 'succeeded', deploy: 'succeeded', notes: 'succeeded', lint: 'reused', last: 'failed' });
    expect(lines(dir, 'build.ran')).toEqual(['1.0', '1.0', '1.0', '1.1']);
  });

  it('keeps estimates across input values: they are not part of a task\'s definition', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': deploy, ok: '' });
    expect(run(dir, ['-i', 'version=1']).code).toBe(0);
    expect(run(dir, ['-i', 'version=2']).code).toBe(0);
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(plan.tasks.map((t: any) => t.estimateSource)).toEqual(['history', 'history', 'history', 'history']);
  });

  it('masks an input whose name looks secret everywhere, does not record it, and asks for it again on resume', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
inputs:
  api_token: {}
  name: { default: world }
tasks:
  a: { run: "echo hello \${{ inputs.name }} \${{ inputs.api_token }}" }
  b: { run: "test -f ok", needs: a }
  c: { run: "echo \${{ inputs.name }} >> c.ran" }
`,
    });
    const r = cli(['run', 'workflow.yaml', '-i', 'api_token=s3cr3t-value', '--logs', 'all', '--renderer', 'simple'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[a] hello world ***');
    expect(r.stdout + r.stderr).not.toContain('s3cr3t');
    const db = openSqlite(join(dir, '.orchestrate/state.db'), { readonly: true });
    const dump = JSON.stringify([db.prepare('SELECT * FROM runs').all(), db.prepare('SELECT * FROM events').all(), db.prepare('SELECT * FROM attempts').all()]);
    db.close();
    expect(dump).not.toContain('s3cr3t');
    expect(dump).toContain('{\\"api_token\\":null,\\"name\\":\\"world\\"}');
    const [listed] = JSON.parse(cli(['history', '--json'], { cwd: dir }).stdout);
    expect(listed.inputs).toEqual({ api_token: '***', name: 'world' });
    expect(readFileSync(join(dir, '.orchestrate/runs', listed.id, 'a.log'), 'utf8')).toContain('hello world ***');
    const resume = cli(['run', 'workflow.yaml', '--resume'], { cwd: dir });
    expect(resume.code).toBe(2);
    expect(resume.stderr).toBe('orchestrate: workflow.yaml: missing input "api_token": give it with --input NAME=VALUE\n');
    writeFileSync(join(dir, 'ok'), '');
    // A task that used a value that was not kept runs again; one that did not is reused.
    expect(statuses(dir, ['--resume', '-i', 'api_token=s3cr3t-value'])).toEqual({ a: 'succeeded', b: 'succeeded', c: 'reused' });
  });

  it('fill templates in a written matrix\'s values, as GitHub Actions does; what needs an expansion whose id holds a secret is recorded masked', () => {
    const runnerOs = process.platform === 'darwin' ? 'macOS' : 'Linux';
    const yaml = `version: 1
inputs:
  os: { default: linux }
  api_token: {}
tasks:
  build:
    matrix:
      os: ["\${{ inputs.os }}", "mac-\${{ inputs.os }}"]
      on: ["\${{ runner.os }}"]
      include: [{ os: "\${{ inputs.os }}", extra: "x" }]
    run: echo "\${{ matrix.os }}/\${{ matrix.on }}" >> built.txt
  secret: { run: "true", matrix: { t: ["\${{ inputs.api_token }}"] } }
  after: { run: "true", needs: [build, secret] }
`;
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': yaml });
    const r = cli(['run', 'workflow.yaml', '--json', '-i', 'os=bsd', '-i', 'api_token=s3cr3t-value'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).tasks.map((t: any) => t.id)).toEqual([`build[bsd,${runnerOs},x]`, `build[mac-bsd,${runnerOs}]`, 'secret[***]', 'after']);
    expect(lines(dir, 'built.txt').sort()).toEqual([`bsd/${runnerOs}`, `mac-bsd/${runnerOs}`]);
    expect(r.stdout + r.stderr).not.toContain('s3cr3t');
    // Not in any table (the needs of \`after\` name the expansion), nor in the files beside the database.
    for (const file of readdirSync(join(dir, '.orchestrate')).filter((f) => f.startsWith('state.db'))) {
      expect(readFileSync(join(dir, '.orchestrate', file)).includes('s3cr3t'), file).toBe(false);
    }
    const db = openSqlite(join(dir, '.orchestrate/state.db'), { readonly: true });
    const needs = db.prepare("SELECT needs FROM tasks WHERE task_id = 'after'").get() as { needs: string };
    db.close();
    expect(JSON.parse(needs.needs)).toEqual([`build[bsd,${runnerOs},x]`, `build[mac-bsd,${runnerOs}]`, 'secret[***]']);
    // Without a value (plan needs none) the template stays in the id.
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(plan.tasks.map((t: any) => t.id)).toContain('secret[${{ inputs.api_token }}]');
    // Only what is known when the workflow loads: inputs and the runner.
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\ntasks:\n  a: { run: "true", matrix: { t: ["\${{ inputs.nope }}", "\${{ env.HOME }}", "\${{ tasks.b.outputs.k }}"] } }\n  b: { run: "true" }\n');
    const lint = cli(['lint', 'bad.yaml', '--format', 'json'], { cwd: dir });
    expect(lint.code).toBe(1);
    expect(JSON.parse(lint.stdout)[0].diagnostics.map((d: any) => [d.code, d.line, d.column, d.message])).toEqual([
      ['unknown-reference', 3, 36, 'task "a": a matrix value uses ${{ inputs.nope }}, but the workflow has no input "nope": declare it under `inputs`'],
      ['bad-matrix', 3, 58, 'task "a": a matrix value uses ${{ env.HOME }}, but a matrix is expanded before anything runs: its values can read ${{ inputs.NAME }} and ${{ runner.KEY }} only'],
      ['bad-matrix', 3, 77, 'task "a": a matrix value uses ${{ tasks.b.outputs.k }}, but a matrix is expanded before anything runs: its values can read ${{ inputs.NAME }} and ${{ runner.KEY }} only; a list from another task\'s output is a whole key, `t: ${{ tasks.ID.outputs.KEY }}`'],
    ]);
  });

  it('say what is wrong with the value of an input that looks secret without showing it, given on the command line or by an include', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': 'version: 1\ninputs:\n  api_token: { enum: [one, two] }\ntasks:\n  a: { run: "true" }\n',
      'outer.yaml': 'version: 1\ninputs:\n  api_token: {}\ninclude:\n  deploy: { path: workflow.yaml, with: { api_token: "${{ inputs.api_token }}" } }\ntasks:\n  b: { run: "true", needs: deploy.a }\n',
    });
    const r = cli(['run', 'workflow.yaml', '-i', 'api_token=hunter2-s3cr3t'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('orchestrate: workflow.yaml: input "api_token" must be one of "one", "two", got "***"\n');
    const included = cli(['run', 'outer.yaml', '-i', 'api_token=hunter2-s3cr3t'], { cwd: dir });
    expect(included.code).toBe(2);
    expect(included.stderr).toContain('error  input "api_token" must be one of "one", "two", got "***" (given to "workflow.yaml")  [bad-include]');
    expect(r.stdout + r.stderr + included.stdout + included.stderr).not.toContain('s3cr3t');
  });

  it('are given to loadWorkflow in the library, which needs every value', async () => {
    const dir = tempProject({ 'workflow.yaml': deploy });
    const workflow = await loadWorkflow(join(dir, 'workflow.yaml'), { inputs: { version: '3.0', replicas: 4 } });
    expect(workflow.inputs).toEqual({ version: '3.0', target: 'staging', replicas: '4' });
    expect(workflow.tasks.find((t) => t.id === 'deploy')!.command).toBe('echo "$TARGET x4" >> deploy.ran && test -f ok');
    const missing = loadWorkflow(join(dir, 'workflow.yaml'));
    await expect(missing).rejects.toThrow(OrchestrateError);
    await expect(missing).rejects.toThrow(/missing input "version" \(the release to deploy\)/);
  });
});
