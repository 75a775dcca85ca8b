import { describe, expect, it } from 'vitest';
import { codes, load, messages } from './test-helpers.js';

const base = 'version: 1\ntasks:\n  a:\n    run: echo\n';

describe('schema diagnostics', () => {
  it('points at an unknown key and suggests the right one', () => {
    const d = load('version: 1\ntasks:\n  a:\n    run: echo\n    retires: 3\n').diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'unknown-key', position: { line: 5, column: 5 } });
    expect(d[0]!.message).toBe('unknown key "retires" in tasks.a (did you mean "retry"?)');
  });
  it('reads a count given as `retry` as the count of tries, and a list of NAME=value as env, as they are meant', () => {
    expect(messages('version: 1\nenv: [A=1, "B=x y", C=]\ntasks:\n  a: { run: x, env: [PORT=8080] }\n  b: { run: x, env: [PORT] }\n')).toEqual([
      'env must be a mapping, got a list (did you mean env: { A: "1", B: "x y", ... }?)',
      'tasks.a.env must be a mapping, got a list (did you mean env: { PORT: "8080" }?)',
      'tasks.b.env must be a mapping, got a list',
    ]);
    expect(messages('version: 1\npolicy: { retry: 2 }\ntasks:\n  a: { run: x, retry: 3 }\n  b: { run: x, retry: yes }\n')).toEqual([
      'policy.retry must be a mapping, got an integer (2) (did you mean retry: { maxAttempts: 2 }?)',
      'tasks.a.retry must be a mapping, got an integer (3) (did you mean retry: { maxAttempts: 3 }?)',
      'tasks.b.retry must be a mapping, got a string ("yes")',
    ]);
  });
  it('names the key another tool\'s name stands for here, before a near spelling ("cmd" is not "cwd")', () => {
    expect(messages('version: 1\ntasks:\n  a:\n    cmd: make\n    depends_on: [b]\n    working-directory: sub\n    timeout-minutes: 5\n    maxAttempts: 3\n  b: { run: x, Deps: [c], generates: [out] }\n  c: { run: x }\n')).toEqual([
      'task "a" has neither `run` nor `agent`: give it exactly one',
      'unknown key "cmd" in tasks.a (did you mean "run"?)',
      'unknown key "depends_on" in tasks.a (did you mean "needs"?)',
      'unknown key "working-directory" in tasks.a (did you mean "cwd"?)',
      'unknown key "timeout-minutes" in tasks.a (did you mean "timeout"? It takes a duration, and a plain number is seconds: 10 minutes is 10m.)',
      'unknown key "maxAttempts" in tasks.a (did you mean "retry.maxAttempts"?)',
      'unknown key "Deps" in tasks.b (did you mean "needs"?)',
      'unknown key "generates" in tasks.b (did you mean "artifacts"?)',
    ]);
    expect(messages('version: 1\njobs: {}\nmaxConcurrency: 2\nconcurrency: ci\npolicy: { parallelism: 2, fail-fast: true }\nagents:\n  w: { run: x, command: y }\ntasks:\n  a: { run: x }\n')).toEqual([
      'unknown key "jobs" at the top level (did you mean "tasks"?)',
      'unknown key "maxConcurrency" at the top level (did you mean "policy.maxConcurrency"?)',
      'unknown key "concurrency" at the top level (did you mean "policy.maxConcurrency"? One run of the workflow at a time, as GitHub\'s concurrency group, is "exclusive".)',
      'unknown key "parallelism" in policy (did you mean "maxConcurrency"?)',
      'unknown key "fail-fast" in policy (did you mean "cancellation"? Stopping at the first failure is "cancellation: cascading".)',
      'unknown key "run" in agents.w (did you mean "command"?)',
    ]);
    // Keys with no counterpart here say what a task does instead.
    expect(messages('version: 1\ntasks:\n  a: { run: x, runs-on: ubuntu-latest, uses: actions/checkout@v4, image: node:20, platforms: [darwin] }\n')).toEqual([
      'unknown key "runs-on" in tasks.a: every task runs on this machine; one that works on another reaches it from its `run` (ssh, docker run)',
      'unknown key "uses" in tasks.a: a task runs a command, not a GitHub Actions action: write what the action does as `run`',
      'unknown key "image" in tasks.a: a task runs on this machine, not in a container of its own: `run: docker run IMAGE ...` runs one',
      "unknown key \"platforms\" in tasks.a: a task runs only on some machines with `when` (`when: runner.os == 'macOS'`)",
    ]);
    // A variable with nothing after it.
    expect(messages('version: 1\ntasks:\n  a: { run: x, env: { EMPTY: } }\n')).toEqual([
      'tasks.a.env.EMPTY must be a string or a number or true or false, got null: YAML reads a key with nothing after it as null; write "" for an empty value (a variable of the environment orchestrate runs in reaches every task unlisted)',
    ]);
    // Argo's list of tasks, each with a name.
    expect(messages('version: 1\ntasks:\n  - name: build\n    run: make\n  - { name: test, run: make test }\n  - { name: lint, run: x }\n')).toEqual([
      'tasks must be a mapping, got a list: each task is under its name, without a name key (did you mean tasks: { build: {...}, test: {...}, ... }?)',
    ]);
    // Taskfile's list of commands.
    expect(messages('version: 1\nagents:\n  w: { command: [cat] }\ntasks:\n  a: { run: [make, make test] }\n')).toEqual([
      'agents.w.command must be a string, got a list: write the commands one per line of a block (command: |), which the shell runs in order; with set -e as its first line a failing one stops the rest',
      'tasks.a.run must be a string, got a list: write the commands one per line of a block (run: |), which the shell runs in order; with set -e as its first line a failing one stops the rest',
    ]);
    // A GitHub Actions workflow's triggers and a job's steps.
    expect(messages('version: 1\non: [push]\ntasks:\n  a: { run: x, steps: [{ run: y }] }\n')).toEqual([
      'unknown key "on" at the top level: a workflow runs when asked, with no triggers of its own: a CI job, a git hook or a cron entry runs `orchestrate run`',
      'unknown key "steps" in tasks.a: a task runs one command: steps that follow each other go in `run`, one per line of a `|` block, or become tasks of their own with `needs`',
    ]);
    // An input written as GitHub's workflow_dispatch writes one.
    expect(messages('version: 1\ninputs:\n  env: { type: choice, options: [staging, prod], required: true }\n  where: { type: environment }\ntasks:\n  a: { run: x }\n')).toEqual([
      'inputs.env.type must be one of string, number, boolean; got "choice": GitHub\'s choice is a string input here, its options its `enum` (type: string, enum: [staging, prod])',
      'unknown key "options" in inputs.env (did you mean "enum"?)',
      'unknown key "required" in inputs.env: an input without a `default` must be given (`--input NAME=VALUE`), and one with a default may be',
      'inputs.where.type must be one of string, number, boolean; got "environment": GitHub\'s environment input is a string input here (type: string), with `enum` for the names it may take',
    ]);
    // A count of retries (Argo's limit) counts attempts here; GitHub's timeout-minutes is a duration here.
    expect(messages('version: 1\npolicy: { retry: { retries: 2 } }\nagents:\n  w: { command: c, timeout-minutes: 5 }\ntasks:\n  a: { run: x, retry: { limit: 3 } }\n')).toEqual([
      'unknown key "retries" in policy.retry (did you mean "maxAttempts"? It counts every attempt, the first too: 3 retries are maxAttempts: 4.)',
      'unknown key "timeout-minutes" in agents.w (did you mean "timeout"? It takes a duration, and a plain number is seconds: 10 minutes is 10m.)',
      'unknown key "limit" in tasks.a.retry (did you mean "maxAttempts"? It counts every attempt, the first too: 3 retries are maxAttempts: 4.)',
    ]);
    // Other keys of a retry (or a matrix) are no other tool's: no such guess.
    expect(messages('version: 1\ntasks:\n  a: { run: x, retry: { deps: 1 } }\n')[0]).toContain('unknown key "deps" in tasks.a.retry; expected one of:');
  });
  it('reads a task\'s `if` written as a GitHub Actions expression: its outcome word, or `when` for a condition', () => {
    expect(messages('version: 1\ntasks:\n  a: { run: x, if: "${{ always() }}" }\n')).toEqual(['tasks.a.if must be one of success, failure, always; got "${{ always() }}" (did you mean "always"?)']);
    expect(messages('version: 1\ntasks:\n  a: { run: x, if: "${{ inputs.env == \'prod\' }}" }\n')).toEqual([
      'tasks.a.if must be one of success, failure, always; got "${{ inputs.env == \'prod\' }}": it says after which end of its needs the task runs; a condition on values goes in `when` (when: inputs.env == \'prod\')',
    ]);
    // GitHub's github context is the GITHUB_* variables here; its event payload is not.
    expect(messages("version: 1\ntasks:\n  a: { run: x, if: \"github.ref == 'refs/heads/main' && github.event.x\" }\n")[0]).toContain("(when: env.GITHUB_REF == 'refs/heads/main' && github.event.x)");
    expect(messages('version: 1\ntasks:\n  a: { run: x, if: alway }\n')).toEqual(['tasks.a.if must be one of success, failure, always; got "alway" (did you mean "always"?)']);
  });
  it('reports unknown top-level keys, and allows x- extension keys', () => {
    expect(codes(`${base}polcy: {}\n`)).toEqual(['unknown-key@5:1']);
    expect(load(`${base}polcy: {}\n`).diagnostics[0]!.message).toContain('did you mean "policy"');
    expect(codes(`x-anchors: { a: 1 }\n${base}`)).toEqual([]);
  });
  it('reports a missing required key', () => {
    expect(codes('version: 1\n')).toEqual(['schema@1:1']);
    expect(load('version: 1\n').diagnostics[0]!.message).toBe('the file is missing the required key "tasks"');
    expect(load('tasks: { a: { run: x } }\n').diagnostics[0]!.message).toContain('"version"');
  });
  it('reads a list of included files, as Taskfile and GitHub write them, as the mapping of namespaces it is here', () => {
    expect(messages('version: 1\ninclude:\n  - { path: lib/build.yaml, as: lib }\ntasks:\n  a: { run: x }\n')).toEqual([
      'include must be a mapping, got a list: it maps a namespace to each file (did you mean include: { lib: "lib/build.yaml" }?)',
    ]);
    expect(messages('version: 1\ninclude: [lib/build.yaml, docs/orchestrate.yaml, 2nd.yml]\ntasks:\n  a: { run: x }\n')).toEqual([
      'include must be a mapping, got a list: it maps a namespace to each file (did you mean include: { build: "lib/build.yaml", docs: "docs/orchestrate.yaml", ... }?)',
    ]);
    expect(messages('version: 1\ninclude: [2nd.yml]\ntasks:\n  a: { run: x }\n')[0]).toContain('(did you mean include: { NAME: "2nd.yml" }?)');
    // A list of what names no file gets no guess.
    expect(messages('version: 1\ninclude: [{ when: x }]\ntasks:\n  a: { run: x }\n')).toEqual(['include must be a mapping, got a list']);
  });

  it('says to quote text that YAML read as a boolean or a number', () => {
    expect(messages('version: 1\ntasks:\n  a: { run: true, description: 2024 }\n  b: { run: "true", env: { DEBUG: true } }\n')).toEqual([
      'tasks.a.run must be a string, got a boolean (true): YAML reads an unquoted true as a boolean; write "true" for the text',
      'tasks.a.description must be a string, got an integer (2024): YAML reads an unquoted number as a number; quote it for the text',
    ]);
    // Where text is one of several types, a boolean is no slip of quoting.
    expect(messages('version: 1\npolicy: { maxConcurrency: true }\ntasks:\n  a: { run: x }\n')).toEqual(['policy.maxConcurrency must be an integer or a string, got a boolean']);
  });
  it('reports wrong types in plain words', () => {
    const d = load('version: 1\npolicy: { costBudget: "four" }\ntasks:\n  a: { run: echo }\n').diagnostics;
    expect(d[0]).toMatchObject({ code: 'schema', position: { line: 2, column: 23 } });
    expect(d[0]!.message).toBe('policy.costBudget must be a number, got a string ("four")');
    // Alternatives are named by the types of the definitions they refer to.
    expect(load('version: 1\npolicy: { maxConcurrency: true }\ntasks:\n  a: { run: echo }\n').diagnostics[0]!.message)
      .toBe('policy.maxConcurrency must be an integer or a string, got a boolean');
  });
  it('says what a name must be made of in words, not as the schema\'s pattern', () => {
    expect(messages('version: 1\nsecrets: [PASS_ÄRGER]\ntasks:\n  a: { run: echo }\n'))
      .toEqual(['secrets[0] is not valid: "PASS_ÄRGER" is not an environment variable name (use letters, digits and "_", not starting with a digit)']);
    expect(messages('version: 1\ntasks:\n  a: { run: echo, shell: "  " }\n')).toEqual(['tasks.a.shell is not valid: "  " is blank: name a program']);
    expect(messages('version: 1\ntasks:\n  a: { run: echo, outputSchema: { "bad key": {} } }\n'))
      .toEqual(['"bad key" is not a valid output name: use letters, digits, "_" and "-", starting with a letter or "_"']);
    for (const m of [...messages('version: 1\nsecrets: [Ä]\ntasks:\n  a: { run: echo, shell: " " }\n')]) expect(m).not.toContain('must match');
  });
  it('explains a share of the CPUs that is not one', () => {
    for (const bad of ['"four"', '"0%"', '"12.5%"', '"50 %"']) {
      const d = load(`version: 1\npolicy: { maxConcurrency: ${bad} }\ntasks:\n  a: { run: echo }\n`).diagnostics;
      expect(d.map((x) => `${x.code}@${x.position?.line}:${x.position?.column}`)).toEqual(['schema@2:27']);
      expect(d[0]!.message).toBe(`policy.maxConcurrency must be a whole number of at least 1, or a share of the CPUs as a whole percentage such as "50%"; got ${bad}`);
    }
    expect(load('version: 1\npolicy: { maxConcurrency: "50%" }\ntasks:\n  a: { run: echo }\n').diagnostics).toEqual([]);
  });
  it('reports zero and negative limits', () => {
    expect(codes('version: 1\npolicy:\n  maxConcurrency: 0\n  costBudget: 0\ntasks:\n  a: { run: echo, cost: -1 }\n'))
      .toEqual(['schema@3:19', 'schema@4:15', 'schema@6:25']);
    expect(codes('version: 1\nagents:\n  w: { command: x, concurrency: -2 }\ntasks:\n  a: { agent: w }\n')).toEqual(['schema@3:33']);
  });
  it('reports bad durations with their own code', () => {
    expect(codes('version: 1\npolicy: { timeout: 5 minutes }\ntasks:\n  a: { run: echo, timeout: -3 }\n'))
      .toEqual(['bad-duration@2:20', 'bad-duration@4:28']);
  });
  it('bounds durations and costs so that sums stay finite, and calls YAML\'s .inf and .nan by their names', () => {
    const messages = (yaml: string) => load(yaml).diagnostics.map((d) => `${d.code}: ${d.message}`);
    expect(messages('version: 1\npolicy: { costBudget: .inf, maxConcurrency: .inf }\ntasks:\n  a: { run: echo, estimate: 1e308, cost: 1e16, timeout: .inf }\n  b: { run: echo, cost: .nan, estimate: "10000000000000000d" }\n')).toEqual([
      'schema: policy.costBudget must be a finite number, got .inf',
      'schema: policy.maxConcurrency must be an integer or a string, got .inf',
      'bad-duration: tasks.a.estimate must be at most 1e15 seconds (some 32 million years), got 1e308',
      'schema: tasks.a.cost must be at most 1e15, got 1e16',
      'bad-duration: tasks.a.timeout must be at most 1e15 seconds (some 32 million years), got .inf',
      'schema: tasks.b.cost must be a finite number, got .nan',
      'bad-duration: tasks.b.estimate has a number of more than 15 digits before its point; got "10000000000000000d"',
    ]);
    // The most itself holds, and a long way over what anyone means by "no limit".
    expect(messages('version: 1\npolicy: { costBudget: 1e15 }\ntasks:\n  a: { run: echo, estimate: 1e15, cost: 1e15, timeout: "999999999999999d" }\n')).toEqual([]);
  });
  it('reports ids with spaces at the id', () => {
    const d = load('version: 1\ntasks:\n  "my task": { run: echo }\n').diagnostics;
    expect(d.map((x) => `${x.code}@${x.position?.line}:${x.position?.column}`)).toEqual(['invalid-id@3:3']);
    expect(d[0]!.message).toContain('"my task" is not a valid task id');
  });
  it('reports an empty name as any other invalid one: a task, an agent, an env variable, a matrix key', () => {
    const d = load('version: 1\nenv: { "": x }\nagents: { "": { command: x } }\ntasks:\n  "": { run: echo }\n  b: { run: echo, matrix: { "": [1] } }\n').diagnostics;
    expect(d.map((x) => `${x.code}@${x.position?.line}:${x.position?.column}`)).toEqual(['invalid-id@2:8', 'invalid-id@3:11', 'invalid-id@5:3', 'invalid-id@6:29']);
    expect(d.map((x) => x.message.split(':')[0])).toEqual(['"" is not a valid environment variable name', '"" is not a valid agent name', '"" is not a valid task id', '"" is not a valid matrix key']);
  });
  it('says a name of allowed characters is too long, not that its characters are wrong', () => {
    const long = 't'.repeat(201);
    const d = load(`version: 1\ntasks:\n  ${long}: { run: echo }\n  ok: { run: echo, env: { ${'V'.repeat(300)}: x } }\ninputs:\n  ${'i'.repeat(101)}: { default: x }\n`).diagnostics;
    expect(d.map((x) => `${x.code}@${x.position?.line}:${x.position?.column}`)).toEqual(['invalid-id@3:3', 'invalid-id@6:3']);
    expect(d[0]!.message).toMatch(/ is not a valid task id: it is 201 characters long, at most 200 are allowed$/);
    expect(d[1]!.message).toMatch(/ is not a valid input name: it is 101 characters long, at most 100 are allowed$/);
    // Too long and of other characters: the characters are what to fix first.
    expect(load(`version: 1\ntasks:\n  ${'a '.repeat(101)}: { run: echo }\n`).diagnostics[0]!.message).toMatch(/ is not a valid task id: use letters, digits, "_", "-" and "\.", starting with a letter, digit or "_", at most 200 characters$/);
  });
  it('reports enum values with a suggestion', () => {
    const d = load('version: 1\npolicy: { fairness: shortest_first }\ntasks:\n  a: { run: echo }\n').diagnostics;
    expect(d[0]!.message).toContain('did you mean "shortest-first"');
  });
  it('reports an unsupported version', () => {
    expect(codes('version: 2\ntasks:\n  a: { run: echo }\n')).toEqual(['unsupported-version@1:10']);
  });
  it('explains needs of the wrong type once', () => {
    expect(codes('version: 1\ntasks:\n  a: { run: echo, needs: 3 }\n')).toEqual(['schema@3:26']);
    expect(codes('version: 1\ntasks:\n  a: { run: echo, needs: [3] }\n')).toEqual(['schema@3:27']);
  });
  it('names the repeated item of a list that must not repeat, at its second place', () => {
    const d = load('version: 1\ntasks:\n  a: { run: echo }\n  b: { run: echo, needs: [a, a] }\n').diagnostics;
    expect(d.map((x) => `${x.code}@${x.position?.line}:${x.position?.column}`)).toEqual(['schema@4:30']);
    expect(d[0]!.message).toBe('tasks.b.needs lists "a" twice (items 1 and 2)');
  });
});
