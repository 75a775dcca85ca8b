import { describe, expect, it } from 'vitest';
import { codes, load, messages } from './test-helpers.js';

describe('template references', () => {
  it('accepts outputs of ancestors, direct or not', () => {
    expect(codes('version: 1\ntasks:\n  a: { run: x }\n  b: { run: x, needs: a }\n  c: { needs: b, run: "echo ${{ tasks.a.outputs.k }} ${{ env.HOME }}" }\n')).toEqual([]);
  });
  it('points at each bad template inside the string', () => {
    const text = 'version: 1\ntasks:\n  a: { run: x }\n  b:\n    run: echo ${{ tasks.a.outputs.x }} ${{ matrix.f }} ${{ params.p }} ${{ bogus }} ${{ tasks.zz.outputs.y }}\n';
    expect(codes(text)).toEqual(['unknown-reference@5:15', 'unknown-reference@5:40', 'unknown-reference@5:56', 'bad-template@5:72', 'unknown-reference@5:85']);
  });
  it('does not take what every object inherits for a param, matrix key or input', () => {
    const text = 'version: 1\ninputs: { a: {} }\nagents: { w: { command: cat } }\ntasks:\n  t:\n    agent: w\n    params: { x: 1 }\n    matrix: { k: [1] }\n    prompt: "${{ params.toString }} ${{ params.__proto__ }} ${{ matrix.constructor }} ${{ inputs.hasOwnProperty }}"\n';
    expect(codes(text)).toEqual(['unknown-reference@9:14', 'unknown-reference@9:37', 'unknown-reference@9:61', 'unknown-reference@9:87']);
  });
  it('reports an unknown matrix key and an unclosed template', () => {
    expect(codes('version: 1\ntasks:\n  m:\n    matrix: { f: [x] }\n    run: echo ${{ matrix.g }}\n  u:\n    run: echo "${{ oops"\n'))
      .toEqual(['unknown-reference@5:15', 'bad-template@7:16']);
  });
  it('lets a task that needs a whole matrix read its outputs (as a list), and asks the others for one expansion', () => {
    expect(codes('version: 1\ntasks:\n  m: { matrix: { f: [x, y] }, run: x }\n  n: { needs: m, run: "echo ${{ tasks.m.outputs.k }}" }\n')).toEqual([]);
    const d = load('version: 1\ntasks:\n  m: { matrix: { f: [x, y] }, run: x }\n  n: { needs: "m[y]", run: "echo ${{ tasks.m.outputs.k }}" }\n').diagnostics;
    expect(d.find((x) => x.code === 'unknown-reference')!.message).toContain('name one expansion, e.g. "m[x]"');
  });
  it('says nothing more of a task whose own problems kept it out of the model: its error stands alone', () => {
    const text = 'version: 1\ntasks:\n  a:\n    matrix: { os: ["${{ inputs.nope }}"] }\n    run: x\n  b:\n    needs: [a]\n    run: echo ${{ tasks.a.outputs.x }} ${{ tasks.a.status }}\n    when: tasks.a.outputs.x == \'y\'\n';
    expect(codes(text)).toEqual(['unknown-reference@4:21']);
  });
  it('checks what an agent (its command, cwd and env) and the workflow env read of each task: a param or matrix key the task lacks is an error at its `agent`, or the task', () => {
    const text = `version: 1
agents:
  llm:
    command: 'llm -m "\${{ params.model }}" --os "\${{ matrix.os }}"'
    cwd: "\${{ params.dir }}"
    env: { DEPTH: "\${{ params.depth }}", MODEL: "\${{ params.model }}" }
tasks:
  a: { agent: llm, prompt: x, params: { model: m, dir: /tmp, depth: 1 }, matrix: { os: [linux] } }
  b: { agent: llm, prompt: x, cwd: /tmp, env: { DEPTH: "2" }, params: { model: m } }
`;
    expect(messages(text)).toEqual([
      'task "b" has no matrix, which its agent "llm" reads in its command (${{ matrix.os }}): only a task with that matrix key can read it',
    ]);
    expect(codes(text)).toEqual(['unknown-reference@9:15']);
    // Its own cwd and env entry of that name are the task's; what it lacks of the rest is said once each.
    const lacking = text.replace('params: { model: m } }', 'matrix: { arch: [x] } }');
    expect(messages(lacking)).toEqual([
      'task "b" has no param "model", which its agent "llm" reads in its command (${{ params.model }}): give the task that param, or read $ORCHESTRATE_PARAMS (JSON), which leaves out a param not given',
      'task "b" has no matrix key "os", which its agent "llm" reads in its command (${{ matrix.os }}): only a task with that matrix key can read it',
    ]);
    // The workflow's env is filled for each task too, under the agent's and the task's own entries.
    const workflowEnv = 'version: 1\nenv: { TARGET: "${{ matrix.os }}", MODEL: "${{ params.model }}", K: "${{ params.k }}" }\nagents: { w: { command: cat, env: { K: x } } }\ntasks:\n  a: { run: x, matrix: { os: [l] }, params: { model: m } }\n  b: { run: x, env: { TARGET: t } }\n  c: { agent: w, prompt: p, env: { MODEL: x, TARGET: t } }\n';
    const lacks = (task: string, key: string, variable: string) => `task "${task}" has no param "${key}", which the workflow's env reads in ${variable} (\${{ params.${key} }}): give the task that param, or read $ORCHESTRATE_PARAMS (JSON), which leaves out a param not given`;
    // c's agent sets K and c its own MODEL and TARGET: nothing of the workflow's is read there.
    expect(messages(workflowEnv)).toEqual([lacks('a', 'k', 'K'), lacks('b', 'model', 'MODEL'), lacks('b', 'k', 'K')]);
    expect(codes(workflowEnv)).toEqual(['unknown-reference@5:3', 'unknown-reference@6:3', 'unknown-reference@6:3']);
  });
  it('asks a task whose agent or the workflow env reads another task\'s outputs or end to need that task, as its own fields must', () => {
    const text = `version: 1
env: { VERSION: "\${{ tasks.build.outputs.version }}", TYPO: "\${{ tasks.biuld.status }}" }
agents: { llm: { command: 'llm -m "\${{ tasks.config.outputs.model }}"' } }
tasks:
  build: { run: x, env: { TYPO: t } }
  config: { run: x, env: { VERSION: v, TYPO: t } }
  test: { run: x, needs: [build, config], env: { TYPO: t } }
  ask: { agent: llm, prompt: p, needs: test, env: { TYPO: t } }
  ask2: { agent: llm, prompt: p, needs: build, env: { TYPO: t } }
`;
    expect(messages(text)).toEqual([
      'the workflow env uses \${{ tasks.biuld.status }}, but there is no task "biuld" (did you mean "build"?)',
      'task "build" would read its own output before it has one: the workflow\'s env reads it in VERSION (\${{ tasks.build.outputs.version }}); read it in the tasks that need "build" instead',
      'task "ask2" does not need "config" (directly or indirectly), whose output its agent "llm" reads in its command (\${{ tasks.config.outputs.model }}): what it read would depend on which ran first; add "config" to its needs, or read it in the tasks that need "config" instead',
    ]);
    expect(codes(text)).toEqual(['unknown-reference@2:62', 'unknown-reference@5:3', 'unknown-reference@9:18']);
  });
  it('accepts an expansion whose matrix value contains "]"', () => {
    expect(codes('version: 1\ntasks:\n  m: { matrix: { f: ["a]b", c] }, run: x }\n  n: { needs: m, run: "echo ${{ tasks.m[a]b].outputs.k }}" }\n')).toEqual([]);
  });
});

describe('a condition that compares a value with one it can never have', () => {
  const warnings = (yaml: string) => load(yaml).diagnostics.filter((d) => d.code === 'not-an-option').map((d) => d.message);

  it('warns for an input with an enum, a boolean input, a matrix key and the runner, ignoring case as == does', () => {
    const yaml = `version: 1
inputs:
  target: { default: staging, enum: [staging, production] }
  dry-run: { type: boolean, default: false }
  replicas: { type: number, default: 1, enum: [1, 3] }
tasks:
  a: { run: x, when: "inputs.target == 'prod' || inputs.target != 'Production'" }
  b: { run: x, when: "inputs.dry-run == 'yes' || inputs.replicas == 3.0 || 2 == inputs.replicas" }
  c: { run: x, matrix: { os: [linux, windows] }, when: "matrix.os == 'macos' || matrix.os == 'Linux'" }
  d: { run: x, when: "runner.os == 'darwin' || runner.os == 'macos' || runner.arch != 'amd64'" }
  e: { run: x, needs: a, if: always, when: "tasks.a.status == 'success' || tasks.a.status == 'Failed'" }
`;
    expect(warnings(yaml)).toEqual([
      "task \"a\": its `when` compares inputs.target with 'prod', which is none of the values it can have ('staging', 'production'), so `==` is always false",
      "task \"b\": its `when` compares inputs.dry-run with 'yes', which is none of the values it can have ('true', 'false'), so `==` is always false",
      "task \"b\": its `when` compares inputs.replicas with '2', which is none of the values it can have ('1', '3'), so `==` is always false",
      "task \"c\": its `when` compares matrix.os with 'macos', which is none of the values it can have ('linux', 'windows'), so `==` is always false",
      "task \"d\": its `when` compares runner.os with 'darwin', which is none of the values it can have ('Linux', 'macOS', 'Windows'), so `==` is always false",
      "task \"d\": its `when` compares runner.arch with 'amd64', which is none of the values it can have ('X64', 'ARM64', 'ARM', 'X86'), so `!=` is always true",
      // GitHub's `needs.ID.result` is `success`; here how a task ended is `succeeded`.
      "task \"e\": its `when` compares tasks.a.status with 'success', which is none of the values it can have ('succeeded', 'failed', 'skipped', 'cancelled'), so `==` is always false",
    ]);
    expect(codes(yaml).filter((c) => c.startsWith('not-an-option'))).toEqual(['not-an-option@7:22', 'not-an-option@8:22', 'not-an-option@8:22', 'not-an-option@9:56', 'not-an-option@10:22', 'not-an-option@10:22', 'not-an-option@11:44']);
  });

  it('says nothing where any value may come: an input without an enum, outputs, the environment, a matrix from outputs', () => {
    expect(warnings(`version: 1
inputs: { free: { default: x } }
tasks:
  a: { run: echo k=v >> $ORCHESTRATE_OUTPUT }
  b: { run: x, needs: a, when: "inputs.free == 'anything' && tasks.a.outputs.k == 'w' && env.HOME == 'nowhere'" }
  c: { run: x, needs: a, matrix: { f: "\${{ tasks.a.outputs.k }}" }, when: "matrix.f == 'zzz'" }
`)).toEqual([]);
  });
});
