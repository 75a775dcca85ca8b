import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';
import { filesUnder } from '../helpers/run.js';

const workflow = `version: 1
dotenv: [.env, local.env, missing.env]
env:
  FROM_WORKFLOW: workflow
tasks:
  a:
    run: printf '%s|%s|%s|%s\\n' "$API_KEY" "$FROM_WORKFLOW" "$FROM_PROCESS" "$LOCAL" > seen
`;

describe('dotenv files', () => {
  it('give every task their variables, under the environment and the workflow env, masked where secret', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': workflow,
      '.env': 'export API_KEY="sk-live-0123456789"\nFROM_WORKFLOW=file\nFROM_PROCESS=file\nLOCAL=base\n',
      'local.env': 'LOCAL=override # a later file wins\n',
    });
    const r = cli(['run', 'workflow.yaml', '--logs', 'all', '--renderer', 'simple'], { cwd: dir, env: { FROM_PROCESS: 'process' } });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'seen'), 'utf8')).toBe('sk-live-0123456789|workflow|process|override\n');
    // The key's value never reaches what orchestrate writes.
    for (const file of filesUnder(join(dir, '.orchestrate'))) expect(readFileSync(file).includes('sk-live-0123456789'), file).toBe(false);
    expect(r.stdout + r.stderr).not.toContain('sk-live-0123456789');
  });

  it('are chosen by the inputs and the runner when a path holds their templates, and a resume with another input runs again', () => {
    const runnerOs = process.platform === 'darwin' ? 'macOS' : 'Linux';
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': 'version: 1\ninputs: { stage: { default: staging } }\ndotenv: [".env.${{ inputs.stage }}", "os-${{ runner.os }}.env"]\ntasks:\n  a: { run: \'echo "$TARGET $OS" >> seen\' }\n  b: { run: test -f ok }\n',
      '.env.staging': 'TARGET=stage-db\n',
      '.env.production': 'TARGET=prod-db\n',
      [`os-${runnerOs}.env`]: `OS=${runnerOs}\n`,
    });
    // b fails until \`ok\` exists, so each run can be resumed.
    const run = (args: string[]) => JSON.parse(cli(['run', 'workflow.yaml', '--json', ...args], { cwd: dir }).stdout).tasks[0];
    expect(run([]).status).toBe('succeeded');
    // Resumed with another stage, a ran with other variables: it runs again. With the same one, it is reused.
    const second = run(['--resume', '-i', 'stage=production']);
    expect([second.status, second.reason]).toEqual(['succeeded', undefined]);
    expect(run(['--resume', '-i', 'stage=production']).reason).toBe('reused');
    expect(readFileSync(join(dir, 'seen'), 'utf8')).toBe(`stage-db ${runnerOs}\nprod-db ${runnerOs}\n`);
    // Only what is known when the workflow loads.
    const bad = tempProject({ 'workflow.yaml': 'version: 1\ndotenv: [".env.${{ inputs.nope }}", ".env.${{ env.HOME }}"]\ntasks:\n  a: { run: "true" }\n' });
    const lint = cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: bad });
    expect(JSON.parse(lint.stdout)[0].diagnostics.map((d: any) => [d.code, d.line, d.column])).toEqual([['unknown-reference', 2, 16], ['bad-dotenv', 2, 43]]);
  });

  it('refuse a malformed file with its line, in lint and before a run creates anything', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow, '.env': 'A=1\nthis is not a pair\n' });
    const lint = cli(['lint', 'workflow.yaml'], { cwd: dir });
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain('workflow.yaml:2:10  error  .env:2: expected NAME=value: the line has no "="  [bad-dotenv]');
    // What the file holds is not shown: it is where secrets are kept.
    expect(lint.stdout).not.toContain('this is not a pair');
    const r = cli(['run', 'workflow.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.env:2: expected NAME=value');
    expect(existsSync(join(dir, '.orchestrate'))).toBe(false);
    expect(existsSync(join(dir, 'seen'))).toBe(false);
  });
});
