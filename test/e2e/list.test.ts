import { describe, expect, it } from 'vitest';
import { cli, examplesProject, tempProject } from '../helpers/cli.js';

describe('orchestrate list', () => {
  it('lists the tasks with their descriptions and needs, then the inputs', () => {
    const r = cli(['list', 'workflows/ci-pipeline.yaml'], { cwd: examplesProject() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      'ci-pipeline (workflows/ci-pipeline.yaml): 7 tasks',
      '  install     Install the dependencies',
      '  lint        Check the style of the sources  (needs install)',
      '  typecheck   Type-check the sources  (needs install)',
      '  unit-tests  Run the unit tests  (needs install)',
      '  build       Build the release  (needs lint, typecheck)',
      '  package     Package the build (a quality gate)  (needs build, unit-tests)',
      '  cleanup     Clean up, whatever happened  (needs package)',
      '',
      'Inputs (orchestrate run -i NAME=VALUE):',
      '  version  the version to build (orchestrate run ci-pipeline.yaml -i version=1.1.0)  (default "1.0.0")',
      '',
    ].join('\n'));
  });

  it('gives matrix expansions, agents and input types as JSON, masks secret ids, and reads orchestrate.yaml by default (ls)', () => {
    const dir = tempProject({
      'orchestrate.yaml': `version: 1
secrets: [KEY]
inputs:
  target: { enum: [staging, production], default: staging }
  version: { description: the release }
  replicas: { type: number, default: 2 }
agents: { writer: { command: cat } }
tasks:
  build: { run: "true", matrix: { os: [linux, s3cr3t-os] }, maxParallel: 1 }
  docs: { agent: writer, prompt: hi, description: Write the docs, needs: build }
  ship: { run: "true", needs: [build, docs] }
  db: { run: "true", service: true }
`,
    });
    const r = cli(['ls', '--json'], { cwd: dir, env: { KEY: 's3cr3t-os' } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('s3cr3t');
    const list = JSON.parse(r.stdout);
    expect(list.workflow).toBe('orchestrate');
    expect(list.tasks).toEqual([
      { id: 'build', description: null, agent: null, needs: [], tasks: ['build[linux]', 'build[***]'], matrixFrom: [], maxParallel: 1, includedFrom: null, approval: false, service: false },
      { id: 'docs', description: 'Write the docs', agent: 'writer', needs: ['build'], tasks: ['docs'], matrixFrom: [], maxParallel: null, includedFrom: null, approval: false, service: false },
      { id: 'ship', description: null, agent: null, needs: ['build', 'docs'], tasks: ['ship'], matrixFrom: [], maxParallel: null, includedFrom: null, approval: false, service: false },
      { id: 'db', description: null, agent: null, needs: [], tasks: ['db'], matrixFrom: [], maxParallel: null, includedFrom: null, approval: false, service: true },
    ]);
    expect(list.inputs).toEqual([
      { name: 'target', description: null, type: 'string', default: 'staging', enum: ['staging', 'production'], required: false },
      { name: 'version', description: 'the release', type: 'string', default: null, enum: null, required: true },
      { name: 'replicas', description: null, type: 'number', default: 2, enum: null, required: false },
    ]);
    // A list needs no input values: the text shows which must be given.
    const text = cli(['list'], { cwd: dir }).stdout;
    expect(text).toBe([
      'orchestrate (orchestrate.yaml): 5 tasks',
      '  build  matrix of 2, 1 at a time',
      '  docs   Write the docs  (agent writer; needs build)',
      '  ship   needs build, docs',
      '  db     service',
      '',
      'Inputs (orchestrate run -i NAME=VALUE):',
      '  target    staging | production; default "staging"',
      '  version   the release  (required)',
      '  replicas  number; default 2',
      '',
    ].join('\n'));
  });

  it('keeps a description of several lines in its column, the details after its last line', () => {
    const dir = tempProject({
      'w.yaml': 'version: 1\ninputs:\n  who: { description: "the person\\nto greet" }\ntasks:\n  build:\n    description: |\n      Builds things.\n      More detail.\n    run: "true"\n  t: { run: "true", needs: build, description: short }\n',
    });
    const r = cli(['list', 'w.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe([
      'w (w.yaml): 2 tasks',
      '  build  Builds things.',
      '         More detail.',
      '  t      short  (needs build)',
      '',
      'Inputs (orchestrate run -i NAME=VALUE):',
      '  who  the person',
      '       to greet  (required)',
      '',
    ].join('\n'));
  });

  it('refuses an invalid workflow with the lint report, and a missing file, with exit 2', () => {
    const dir = tempProject({ 'w.yaml': 'version: 1\ntasks:\n  a: { run: "true", needs: b }\n' });
    const bad = cli(['list', 'w.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('w.yaml:3:28  error  task "a" needs "b", which is not a task');
    expect(bad.stdout).toBe('');
    const missing = cli(['list', 'nope.yaml'], { cwd: dir });
    expect([missing.code, missing.stderr]).toEqual([2, 'orchestrate: cannot read nope.yaml: no such file\n']);
  });
});
