import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';
import { diagnosticsByFile } from '../helpers/lint.js';
import { validator } from '../helpers/schemas.js';

/** A deploy workflow that takes inputs and includes a check of its own: run alone, or included once per target. */
const deploy = `version: 1
inputs:
  target: { description: where to deploy, enum: [staging, production] }
  version: { default: dev }
  api_token: { default: none }
  replicas: { type: number, default: 1 }
include:
  util: ../lib/util.yaml
tasks:
  push:
    needs: util.check
    env: { API_TOKEN: "\${{ inputs.api_token }}" }
    run: 'echo "\${{ inputs.version }} to \${{ inputs.target }} x\${{ inputs.replicas }} with $API_TOKEN after \${{ tasks.util.check.outputs.ok }}" | tee -a pushed.txt'
  announce:
    needs: push
    when: inputs.target == 'production' && inputs.replicas > 2
    run: 'echo "announced \${{ inputs.target }}" >> pushed.txt'
`;

const util = `version: 1
tasks:
  check: { run: 'echo ok=yes >> "$ORCHESTRATE_OUTPUT"' }
`;

const main = `version: 1
inputs:
  version: { description: the release }
include:
  staging: { path: deploy/workflow.yaml, with: { target: staging, version: "\${{ inputs.version }}" } }
  prod:
    path: deploy/workflow.yaml
    with: { target: production, version: "\${{ inputs.version }}", replicas: 3, api_token: hunter22-secret }
tasks:
  done: { run: 'echo done', needs: [staging.announce, prod.announce], if: always }
`;

const project = (files: Record<string, string> = {}) => tempProject({
  'package.json': '{}',
  'main.yaml': main,
  'deploy/workflow.yaml': deploy,
  'lib/util.yaml': util,
  ...files,
});

const ids = (result: any) => result.tasks.map((t: any) => [t.id, t.status, t.reason ?? null]);

describe('include with inputs, and includes that include', () => {
  it('includes one file twice with other inputs, passes on the run\'s own inputs, and nests', () => {
    const dir = project();
    expect(cli(['lint', 'main.yaml'], { cwd: dir }).stdout).toContain('no problems');
    const r = cli(['run', 'main.yaml', '-i', 'version=2.1', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    // The included file's include joins under both namespaces; its `when` reads the inputs its entry gave it.
    expect(ids(result)).toEqual([
      ['done', 'succeeded', null],
      ['staging.push', 'succeeded', null], ['staging.announce', 'skipped', 'condition'], ['staging.util.check', 'succeeded', null],
      ['prod.push', 'succeeded', null], ['prod.announce', 'succeeded', null], ['prod.util.check', 'succeeded', null],
    ]);
    // Defaults fill what `with` leaves out.
    expect(readFileSync(join(dir, 'deploy/pushed.txt'), 'utf8').split('\n').sort().join('\n')).toBe([
      '',
      '2.1 to production x3 with hunter22-secret after yes',
      '2.1 to staging x1 with none after yes',
      'announced production',
    ].join('\n'));
    // A secret-looking input's value is masked in the logs, events and result, as the run's own inputs are.
    const logs = cli(['logs'], { cwd: dir }).stdout + cli(['events', result.runId], { cwd: dir }).stdout + r.stdout;
    expect(logs).toContain('2.1 to production x3 with *** after yes');
    expect(logs).not.toContain('hunter22-secret');
    // The plan knows which included task its inputs skip, and where each task came from.
    const plan = JSON.parse(cli(['plan', 'main.yaml', '-i', 'version=2.1', '--json'], { cwd: dir }).stdout);
    expect(validator('plan')(plan)).toBe(true);
    expect(plan.tasks.map((t: any) => [t.id, t.includedFrom ?? null])).toEqual([
      ['done', null],
      ['staging.push', 'staging'], ['staging.announce', 'staging'], ['staging.util.check', 'staging.util'],
      ['prod.push', 'prod'], ['prod.announce', 'prod'], ['prod.util.check', 'prod.util'],
    ]);
    expect(cli(['plan', 'main.yaml'], { cwd: dir }).stdout).toMatch(/staging\.announce.*condition/);
    // The included file still lints and runs alone, with its own inputs.
    expect(cli(['lint', 'deploy/workflow.yaml'], { cwd: dir }).code).toBe(0);
    const alone = cli(['run', 'deploy/workflow.yaml', '-i', 'target=production', '-i', 'replicas=5', '--json'], { cwd: dir });
    expect(ids(JSON.parse(alone.stdout))).toEqual([['push', 'succeeded', null], ['announce', 'succeeded', null], ['util.check', 'succeeded', null]]);
  });

  it('needs the run\'s own input to run, not to lint or plan, when `with` passes it on', () => {
    const dir = project();
    expect(cli(['lint', 'main.yaml'], { cwd: dir }).code).toBe(0);
    expect(cli(['plan', 'main.yaml'], { cwd: dir }).code).toBe(0);
    const r = cli(['run', 'main.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('orchestrate: main.yaml: missing input "version" (the release): give it with --input NAME=VALUE\n');
    // An included file's input is given by its entry, not on the command line.
    const unknown = cli(['run', 'main.yaml', '-i', 'version=1', '-i', 'target=staging'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown input "target"');
  });

  it('reports what `with` gets wrong at its key, and a cycle of includes where it closes', () => {
    const dir = project({
      'bad.yaml': `version: 1
inputs:
  version: { default: "1.0" }
include:
  a: { path: deploy/workflow.yaml, with: { targte: staging } }
  b: { path: deploy/workflow.yaml, with: { target: "\${{ inputs.verison }}", version: "\${{ tasks.x.outputs.y }}" } }
  c: { path: lib/util.yaml, with: { x: 1 } }
  r: { path: deploy/workflow.yaml, with: { target: "\${{ runner.nope }}" } }
  d: { path: deploy/workflow.yaml, with: { target: staging, replicas: many } }
  e: { path: deploy/workflow.yaml, with: { target: dev } }
  f: loop/a.yaml
tasks:
  done: { run: 'true' }
`,
      'loop/a.yaml': 'version: 1\ninclude: { b: b.yaml }\ntasks: { t: { run: "true" } }\n',
      'loop/b.yaml': 'version: 1\ninclude: { back: a.yaml }\ntasks: { t: { run: "true" } }\n',
    });
    const r = cli(['lint', 'bad.yaml', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const byFile = diagnosticsByFile(r.stdout);
    expect(byFile['bad.yaml']).toEqual([
      'bad-include@5:3 "deploy/workflow.yaml" needs input "target" (where to deploy): give it under `with`',
      'bad-include@5:44 "deploy/workflow.yaml" has no input "targte" (did you mean "target"?)',
      'unknown-reference@6:53 with.target uses ${{ inputs.verison }}, but the workflow has no input "verison" (did you mean "version"?)',
      'bad-include@6:87 with.version uses ${{ tasks.x.outputs.y }}, but a value of `with` is known when the workflow loads: it can read ${{ inputs.NAME }} and ${{ runner.KEY }} only',
      'bad-include@7:37 "lib/util.yaml" has no input "x": it declares no inputs',
      'unknown-reference@8:53 with.target uses ${{ runner.nope }}, but the runner context has os, arch, temp',
      'bad-include@9:71 input "replicas" must be a number, got "many" (given to "deploy/workflow.yaml")',
      'bad-include@10:52 input "target" must be one of "staging", "production", got "dev" (given to "deploy/workflow.yaml")',
      'bad-include@11:6 "loop/a.yaml" has 1 error of its own (shown under its name)',
    ]);
    expect(byFile['loop/a.yaml']).toEqual(['bad-include@2:15 "b.yaml" has 1 error of its own (shown under its name)']);
    expect(byFile['loop/b.yaml']).toEqual(['bad-include@2:18 includes cannot form a cycle: a.yaml → b.yaml → a.yaml']);
    // run refuses with the same report, exit 2, and no stack trace.
    const run = cli(['run', 'bad.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bad.yaml:9:71  error  input "replicas" must be a number, got "many" (given to "deploy/workflow.yaml")  [bad-include]');
    expect(run.stderr).toContain('loop/b.yaml:2:18  error  includes cannot form a cycle');
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('runs an included task again when the value its entry gives changes, and not otherwise', () => {
    const dir = project({
      'main.yaml': `version: 1
inputs:
  version: { default: "1" }
include:
  one: { path: lib/build.yaml, with: { flavour: plain, version: "\${{ inputs.version }}" } }
tasks:
  top: { run: 'true', needs: one.build }
`,
      'lib/build.yaml': `version: 1
inputs:
  flavour: { default: plain }
  version: { default: "0" }
tasks:
  build:
    sources: [src.txt]
    run: 'echo "\${{ inputs.flavour }} \${{ inputs.version }}" >> built.txt'
`,
      'lib/src.txt': 'a',
    });
    const run = (...args: string[]) => ids(JSON.parse(cli(['run', 'main.yaml', '--json', ...args], { cwd: dir }).stdout)).find((t: any) => t[0] === 'one.build');
    expect(run()).toEqual(['one.build', 'succeeded', null]);
    expect(run()).toEqual(['one.build', 'succeeded', 'up-to-date']);
    // The run's own input, passed on by `with`, is compared as a run's input is.
    expect(run('-i', 'version=2')).toEqual(['one.build', 'succeeded', null]);
    expect(run('-i', 'version=2')).toEqual(['one.build', 'succeeded', 'up-to-date']);
    // A value written in `with` is part of the task's definition.
    writeFileSync(join(dir, 'main.yaml'), readFileSync(join(dir, 'main.yaml'), 'utf8').replace('flavour: plain', 'flavour: spicy'));
    expect(run('-i', 'version=2')).toEqual(['one.build', 'succeeded', null]);
    expect(readFileSync(join(dir, 'lib/built.txt'), 'utf8')).toBe('plain 1\nplain 2\nspicy 2\n');
  });
});
