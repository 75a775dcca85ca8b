import { resolve } from 'node:path';
import { suggestion } from '../util/suggest.js';
import { parseDuration } from '../util/duration.js';
import { error, warning, type Diagnostic, type DocPath } from './diagnostics.js';
import { outputSchemaDiagnostics } from './output-schema.js';
import { fillMatrixValueTemplates } from './matrix-value-templates.js';
import { renderParams } from './param-texts.js';
import { dynamicKeys, expandMatrix, matrixKeys, matrixSize, MAX_MATRIX_EXPANSIONS } from './expand-matrix.js';
import { renderTemplate, type TemplateRef } from './templates.js';
import { resolveAgents, resolveMemoize, resolvePolicy, resolveRetry, resolveSecretPatterns, stringifyEnv } from './resolve-policy.js';
import { shellWords } from './shell.js';
import { zeroTimeouts } from './zero-timeouts.js';
import { chooseEstimate } from './task-estimate.js';
import { delayOverCap, exitCodesUnused, taskRetryProblems } from './check-retry-blocks.js';
import { artifactWriters, promptOf } from './prompt-file.js';
import { checkMatrix, matrixFromInputs } from './check-matrix.js';
import { checkInputDeclarations, type InputValues } from './inputs.js';
import { parseCondition, staticValue } from './condition.js';
import { dotenvPaths, readDotenvFiles } from './dotenv.js';
import { rootPathProblems } from './root-paths.js';
import type { ConfigFile, Duration, Task as TaskFile, WorkflowFile } from './schema-types.js';
import { definitionKeys, schemaDefault, serviceDefault, topLevelDefault } from './schema.js';
import type { MatrixValue, TaskSpec, Workflow } from './model.js';
import type { SourceMap } from './source-map.js';
import { ownValue } from '../util/own-value.js';
import { expandHome } from '../util/home-path.js';

export interface BuildResult {
  workflow: Workflow;
  diagnostics: Diagnostic[];
  /** The text of each task's promptFile, by task id in the file (for the template checks). */
  promptFiles: Map<string, string>;
  /** needIndex[i][k]: position of task i's k-th resolved need in its `needs` list (for positions). */
  needIndex: number[][];
  /** needs of each task as indices into workflow.tasks. */
  needs: number[][];
}

function needsList(needs: TaskFile['needs']): string[] {
  if (needs === undefined) return [];
  return typeof needs === 'string' ? [needs] : needs;
}

/**
 * Fills `${{ matrix.K }}`, `${{ params.K }}` and `${{ inputs.NAME }}`; a key that `include` gives
 * only some expansions is empty in the others. An input without a value stays as it is (lint).
 */
function loadTimeLookup(values: Record<string, MatrixValue> | undefined, keys: readonly string[], params: Record<string, unknown>, inputs: InputValues, used: Set<string>) {
  return (ref: TemplateRef): string | undefined => {
    if (ref.kind === 'inputs') used.add(ref.key);
    // A matrix key or param the task does not have stays as written: lint reports it. So do the
    // keys of a matrix known only at run time (no values yet): the run fills them.
    if (ref.kind === 'matrix' && (!keys.includes(ref.key) || !values)) return undefined;
    if (ref.kind === 'params' && !Object.hasOwn(params, ref.key)) return undefined;
    return staticValue(inputs, { matrix: values, params }, ref);
  };
}

/** A task's `service` in the model: its `ready` command (templates filled at load time), with the schema's defaults. */
function serviceSpec(service: NonNullable<TaskFile['service']>, ready: string | undefined): NonNullable<TaskSpec['service']> {
  const given = typeof service === 'object' ? service : {};
  const seconds = (key: 'interval' | 'timeout') => parseDuration(given[key] ?? (serviceDefault(key) as Duration))!;
  return { ...(ready !== undefined ? { ready } : {}), interval: seconds('interval'), timeout: seconds('timeout') };
}

/** A task's `approval` in the model: its question (`render` fills load-time templates; empty for `true`) and the timeout of `{ message, timeout }`. */
function approvalOf(approval: TaskFile['approval'], render: (text: string) => string): Pick<TaskSpec, 'approval' | 'approvalTimeout'> {
  if (approval === undefined || approval === false) return {};
  if (approval === true) return { approval: '' };
  if (typeof approval === 'string') return { approval: render(approval) };
  return { approval: approval.message === undefined ? '' : render(approval.message), ...(approval.timeout !== undefined ? { approvalTimeout: parseDuration(approval.timeout) } : {}) };
}

/**
 * Builds the typed, defaults-applied model from a schema-valid file: the
 * policy cascade (task > agent > workflow policy > config > built-in), matrix
 * expansion with `${{ matrix.K }}`, `${{ params.K }}` and `${{ inputs.NAME }}`
 * (the resolved `inputs`) substituted, and needs resolved to task ids. Reports
 * what only the model can see. `included`: the tasks of included files
 * (namespaced), which join after the file's own and may be needed by them;
 * needs under a namespace in `excused` (an include that failed) are not reported.
 */
export function buildModel(raw: WorkflowFile, config: ConfigFile, file: string, source: SourceMap, name: string, inputs: InputValues = {}, included: readonly TaskSpec[] = [], excused: readonly string[] = []): BuildResult {
  const diagnostics: Diagnostic[] = [];
  const dir = resolve(file, '..');
  const policy = resolvePolicy(config.policy, raw.policy);
  const resources = { ...config.resources, ...raw.resources };
  /** Agents whose estimate is over their tasks' timeout, said once. */
  const estimatesSaid = new Set<string>();
  const policyRetry = [config.policy?.retry, raw.policy?.retry];
  const agents = resolveAgents(config.agents, raw.agents, policy, policyRetry);
  for (const agent of Object.values(agents)) {
    const owner = `agent "${agent.name}"${raw.agents?.[agent.name]?.outputSchema ? '' : ' (from the config file)'}`;
    diagnostics.push(...outputSchemaDiagnostics(agent.outputSchema, owner, ['agents', agent.name, 'outputSchema']));
  }
  const env = stringifyEnv(raw.env);
  const workflowShell = shellWords(raw.shell ?? (topLevelDefault('shell') as string));
  diagnostics.push(...zeroTimeouts(raw), ...checkInputDeclarations(raw));
  const dotenvFiles = dotenvPaths(raw.dotenv ?? [], dir, Object.keys(raw.inputs ?? {}), inputs);
  const dotenv = readDotenvFiles(dotenvFiles.paths);
  diagnostics.push(...dotenvFiles.diagnostics, ...dotenv.diagnostics);
  const tasks: TaskSpec[] = [];
  const rawNeeds: string[][] = [];
  const baseIds = Object.keys(raw.tasks);
  const expansionsOf = new Map<string, number[]>();
  const promptFiles = new Map<string, string>();
  const writers = artifactWriters(raw.tasks, (name) => ownValue(agents, name)?.cwd, dir);

  for (const baseId of baseIds) {
    const t = raw.tasks[baseId]!;
    const at: DocPath = ['tasks', baseId];
    if ((t.run === undefined) === (t.agent === undefined)) {
      diagnostics.push(error('run-and-agent', t.run === undefined
        ? `task "${baseId}" has neither \`run\` nor \`agent\`: give it exactly one`
        : `task "${baseId}" has both \`run\` and \`agent\`: give it exactly one`, at, true));
    }
    // Own names only: `agent: toString` is not an agent.
    const agent = t.agent === undefined ? undefined : ownValue(agents, t.agent);
    if (t.agent !== undefined && !agent) {
      const known = Object.keys(agents);
      diagnostics.push(error('unknown-agent', `task "${baseId}" uses agent "${t.agent}", which is not defined${suggestion(t.agent, known) || (known.length ? `; defined agents: ${known.join(', ')}` : '; define it under `agents`')}`, [...at, 'agent']));
    }
    const promptKey = t.promptFile !== undefined ? 'promptFile' : 'prompt';
    if ((t.prompt !== undefined || t.promptFile !== undefined) && t.agent === undefined && t.run !== undefined) {
      diagnostics.push(warning('prompt-without-agent', `task "${baseId}" has a \`${promptKey}\` but no \`agent\`: the prompt is not used`, [...at, promptKey], true));
    }
    diagnostics.push(...outputSchemaDiagnostics(t.outputSchema, `task "${baseId}"`, [...at, 'outputSchema']));
    const ownMemoize = resolveMemoize(t.memoize);
    if (ownMemoize && t.sources?.length) {
      diagnostics.push(error('bad-memoize', `task "${baseId}" has both \`memoize\` and \`sources\`: a task with sources is skipped while they do not change (up to date); memoize is for a task whose inputs are what it runs and the outputs it reads`, [...at, 'memoize'], true));
    }
    // Its agent's memoize does not reach a task with sources: that one is up to date instead.
    const memoize = ownMemoize === undefined ? (t.sources?.length ? undefined : agent?.memoize) : ownMemoize || undefined;
    if (t.runOnInterrupt && (t.if ?? 'success') === 'success') {
      diagnostics.push(warning('never-runs-on-interrupt', `task "${baseId}" has \`runOnInterrupt\` but runs only when its needs succeed (\`if: success\`): after an interrupt they end cancelled, so it never runs then; cleanup takes \`if: always\``, [...at, 'runOnInterrupt'], true));
    }
    if (t.if === 'failure' && !needsList(t.needs).length) {
      diagnostics.push(warning('failure-without-needs', `task "${baseId}" has \`if: failure\` but no \`needs\`: it runs only when one of its needs fails, so it never runs; give it the tasks whose failure it handles as needs`, [...at, 'if']));
    }
    for (const key of ['maxParallel', 'failFast'] as const) {
      if (t[key] !== undefined && t.matrix === undefined) {
        diagnostics.push(warning('no-matrix', `task "${baseId}" has \`${key}\` but no \`matrix\`: it acts on a matrix's expansions, and there is none here`, [...at, key], true));
      }
    }
    const prompt = promptOf(baseId, t, dir, at, writers);
    if (prompt.problem) {
      diagnostics.push(prompt.problem);
      continue;
    }
    if (prompt.stale) diagnostics.push(prompt.stale);
    if (prompt.file) promptFiles.set(baseId, prompt.text!);
    for (const [resource, amount] of Object.entries(t.resources ?? {})) {
      if (!Object.hasOwn(resources, resource)) {
        diagnostics.push(error('unknown-resource', `task "${baseId}" uses resource "${resource}", which is not declared under \`resources\`${suggestion(resource, Object.keys(resources))}`, [...at, 'resources', resource], true));
      } else if (amount > resources[resource]!) {
        diagnostics.push(error('resource-over-capacity', `task "${baseId}" needs ${amount} of "${resource}" but its capacity is ${resources[resource]}: it could never start`, [...at, 'resources', resource]));
      }
    }
    const cost = t.cost ?? agent?.cost;
    if (cost !== undefined && policy.costBudget !== undefined && cost > policy.costBudget) {
      const whose = t.cost !== undefined ? '' : ` (the cost of its agent "${t.agent}")`;
      // A warning, not an error: the run skips it for the budget (and so fails) as it would any task that does not fit.
      diagnostics.push(warning('cost-over-budget', `task "${baseId}" costs ${cost}${whose} but the cost budget is ${policy.costBudget}: it will never start (skipped for the budget), and a run that skips work for the budget fails`, [...at, t.cost !== undefined ? 'cost' : 'agent']));
    }
    // Templates in its values read the inputs and the runner; keys from inputs are lists once the inputs have values (a run always has them).
    const filledValues = fillMatrixValueTemplates(baseId, t.matrix, Object.keys(raw.inputs ?? {}), inputs, [...at, 'matrix']);
    if (filledValues.problems.length) {
      diagnostics.push(...filledValues.problems);
      continue;
    }
    const byInputs = matrixFromInputs(filledValues.matrix, inputs);
    if (byInputs.problem) {
      diagnostics.push(error('bad-matrix', `task "${baseId}": ${byInputs.problem.message}`, [...at, 'matrix', byInputs.problem.key]));
      continue;
    }
    for (const name of filledValues.used) byInputs.used.add(name);
    const matrix = byInputs.matrix;
    // A matrix from outputs: one task, a group that expands at run time (its matrix templates left in).
    const dynamic = dynamicKeys(matrix).length > 0;
    if (t.service) {
      const why = t.run === undefined ? 'it is an agent task: a service is a `run` command'
        : t.sources?.length ? 'it has `sources`: a service runs whenever a task that needs it runs, so it is never up to date'
        : t.memoize ? 'it has `memoize`: a service runs whenever a task that needs it runs, so it is never memoized'
        : t.captureStdout !== undefined ? 'it has `captureStdout`: the stdout of a service has no end to capture'
        : dynamic ? 'its matrix comes from outputs: a service is not a group that ends with its expansions' : undefined;
      if (why) diagnostics.push(error('bad-service', `task "${baseId}" cannot be a \`service\`: ${why}`, [...at, 'service'], true));
    }
    const size = matrixSize(matrix);
    if (size > MAX_MATRIX_EXPANSIONS) {
      diagnostics.push(error('matrix-too-large', `task "${baseId}" expands to ${size} tasks; at most ${MAX_MATRIX_EXPANSIONS} are allowed`, [...at, 'matrix']));
      continue;
    }
    const matrixProblems = checkMatrix(baseId, { ...t, matrix }, [...at, 'matrix'], byInputs.used);
    diagnostics.push(...matrixProblems);
    if (matrixProblems.length) continue;
    const keys = matrixKeys(matrix);
    const params = (t.params ?? {}) as Record<string, unknown>;
    const agentHere: DocPath | undefined = t.agent !== undefined && raw.agents?.[t.agent]?.estimate !== undefined ? ['agents', t.agent, 'estimate'] : undefined;
    const timeout = t.timeout !== undefined ? parseDuration(t.timeout) : agent?.timeout ?? policy.taskTimeout;
    const estimate = chooseEstimate(baseId, { estimate: t.estimate !== undefined ? parseDuration(t.estimate) : undefined, timeout: t.timeout, agent: t.agent }, agent?.estimate,
      t.agent !== undefined ? policy.defaultEstimate.agent : policy.defaultEstimate.shell, timeout, { at, agentAt: agentHere, said: estimatesSaid });
    if (estimate.problem) diagnostics.push(estimate.problem);
    const taskEnv = { ...env, ...agent?.env, ...stringifyEnv(t.env) };
    // From the files' layers, not the agent's or policy's resolved one: a default there (maxDelay's) is not a value written.
    const agentRetry = agent ? [config.agents?.[agent.name]?.retry, raw.agents?.[agent.name]?.retry] : [];
    const retry = resolveRetry(...policyRetry, ...agentRetry, t.retry);
    // Argo retries without a limit when none is given; here one attempt is the default, and the rest of the block does nothing.
    const retryKeys = Object.keys(t.retry ?? {}).filter((key) => definitionKeys('retry').includes(key));
    if (t.retry?.maxAttempts === undefined && retry.maxAttempts === 1 && retryKeys.length) {
      diagnostics.push(warning('retry-without-attempts', `task "${baseId}" sets \`retry\` (${retryKeys.join(', ')}) but makes 1 attempt: maxAttempts is 1 unless set, so it is never retried; set maxAttempts, the attempts in all (3: the first and 2 retries)`, [...at, 'retry'], true));
    }
    // Resolved already: a task's block is looked at only when what it resolves to has a problem.
    if (delayOverCap(retry) || exitCodesUnused(retry)) diagnostics.push(...taskRetryProblems(raw, config, baseId));
    const needs = needsList(t.needs);
    const shell = t.shell !== undefined ? shellWords(t.shell) : agent?.shell ?? workflowShell;
    const indices: number[] = [];
    const rootReported = new Set<string>();
    for (const expansion of dynamic ? [{ id: baseId, values: undefined }] : expandMatrix(baseId, matrix)) {
      // The inputs that chose the dotenv files are read by every task (its environment): a resume compares them too.
      const used = new Set<string>([...byInputs.used, ...dotenvFiles.inputs]);
      const fields = (values: InputValues) => {
        // Its params first, as `${{ params.K }}` reads them filled; a param reading params stays as written (lint says so).
        const ownParams = renderParams(params, (text) => renderTemplate(text, loadTimeLookup(expansion.values, keys, {}, values, used)));
        const fill = loadTimeLookup(expansion.values, keys, ownParams, values, used);
        const render = (text: string) => renderTemplate(text, fill);
        const renderedEnv: Record<string, string> = {};
        for (const [k, v] of Object.entries(taskEnv)) renderedEnv[k] = render(v);
        return {
          command: render(t.run ?? agent?.command ?? ''),
          ready: typeof t.service === 'object' && t.service.ready !== undefined ? render(t.service.ready) : undefined,
          prompt: prompt.text === undefined ? undefined : render(prompt.text),
          artifacts: (t.artifacts ?? []).map((path) => expandHome(render(path))),
          sources: (t.sources ?? []).map((path) => expandHome(render(path))),
          cwd: resolve(dir, expandHome(render(t.cwd ?? agent?.cwd ?? '.'))),
          env: renderedEnv,
          params: ownParams,
        };
      };
      const filled = fields(inputs);
      // Every expansion is checked, but a problem is reported once per entry.
      for (const problem of rootPathProblems(baseId, filled, t, at)) {
        const key = problem.path!.join('\0');
        if (!rootReported.has(key)) diagnostics.push(problem);
        rootReported.add(key);
      }
      // Its condition is read when it is ready; the inputs it reads count as used (resume compares them).
      // A YAML boolean is that condition (`when: false`, as GitHub Actions' `if: false`).
      const whenText = t.when === undefined ? undefined : String(t.when);
      const when = whenText === undefined ? undefined : parseCondition(whenText);
      for (const ref of when?.refs ?? []) if (ref.kind === 'inputs') used.add(ref.key);
      indices.push(tasks.length);
      rawNeeds.push(needs);
      tasks.push({
        id: expansion.id,
        baseId,
        matrix: expansion.values,
        ...(dynamic ? { dynamicMatrix: matrix } : {}),
        path: at,
        kind: t.agent !== undefined ? 'agent' : 'shell',
        description: t.description,
        command: filled.command,
        shell,
        agent: t.agent,
        prompt: filled.prompt,
        ...(prompt.file ? { promptFile: prompt.file } : {}),
        ...(t.captureStdout ?? agent?.captureStdout ? { captureStdout: t.captureStdout ?? agent?.captureStdout } : {}),
        ...(t.costOutput ?? agent?.costOutput ? { costOutput: t.costOutput ?? agent?.costOutput } : {}),
        ...(t.outputSchema ?? agent?.outputSchema ? { outputSchema: { ...agent?.outputSchema, ...t.outputSchema } } : {}),
        ...(memoize ? { memoize } : {}),
        params: filled.params,
        needs: [],
        if: t.if ?? 'success',
        ...(t.service ? { service: serviceSpec(t.service, filled.ready) } : {}),
        ...(t.runOnInterrupt && (t.if ?? 'success') !== 'success' ? { runOnInterrupt: true } : {}),
        ...(when?.condition ? { when: { source: whenText!, condition: when.condition } } : {}),
        priority: t.priority ?? 'medium',
        ...(t.maxParallel !== undefined && t.matrix !== undefined ? { maxParallel: t.maxParallel } : {}),
        ...(t.failFast && t.matrix !== undefined ? { failFast: true } : {}),
        artifacts: filled.artifacts,
        sources: filled.sources,
        gate: t.gate ?? false,
        ...approvalOf(t.approval, (text) => renderTemplate(text, loadTimeLookup(expansion.values, keys, filled.params, inputs, new Set()))),
        continueOnError: t.continueOnError ?? false,
        timeout,
        retry,
        resources: { ...t.resources },
        cwd: filled.cwd,
        env: filled.env,
        cost: t.cost ?? agent?.cost ?? 0,
        estimate: estimate.seconds,
        estimateSource: estimate.source,
        // Its definition (hash) is what it does whatever the input values: those are compared on resume.
        ...(used.size ? { inputsUsed: [...used].sort(), unfilled: fields({}) } : {}),
      });
    }
    expansionsOf.set(baseId, indices);
  }

  for (const task of included) {
    const list = expansionsOf.get(task.baseId) ?? [];
    if (!list.length) expansionsOf.set(task.baseId, list);
    list.push(tasks.length);
    tasks.push(task);
    rawNeeds.push(task.needs);
  }
  const taskIndex = new Map<string, number>();
  tasks.forEach((task, i) => {
    if (taskIndex.has(task.id)) {
      diagnostics.push(error('duplicate-task-id', `task id "${task.id}" occurs twice (matrix values that print the same)`, [...task.path, 'matrix']));
    } else {
      taskIndex.set(task.id, i);
    }
  });

  const needs: number[][] = [];
  const needIndex: number[][] = [];
  const reported = new Set<string>();
  tasks.forEach((task, i) => {
    const list: number[] = [];
    const positions: number[] = [];
    rawNeeds[i]!.forEach((need, j) => {
      // (An included task's needs are ids its own file resolved; its path is its `include` entry.)
      const needPath: DocPath = task.includedFrom !== undefined ? task.path : typeof raw.tasks[task.baseId]!.needs === 'string' ? [...task.path, 'needs'] : [...task.path, 'needs', j];
      const targets = expansionsOf.get(need) ?? (taskIndex.has(need) ? [taskIndex.get(need)!] : undefined);
      const once = (d: Diagnostic) => {
        const key = `${task.baseId}|${j}`;
        if (!reported.has(key)) {
          reported.add(key);
          diagnostics.push(d);
        }
      };
      if (need === task.baseId || need === task.id) {
        once(error('self-need', `task "${task.baseId}" needs itself`, needPath));
      } else if (!targets && (Object.hasOwn(raw.tasks, need) || excused.some((ns) => need.startsWith(`${ns}.`)))) {
        // A task of the file that has problems of its own (reported there), or of an include that failed, has no expansions to need.
      } else if (!targets) {
        const known = [...baseIds, ...new Set(included.map((t) => t.baseId))];
        // `needs: build, lint` is one string to YAML: several needs are a list.
        const parts = need.split(/\s*,\s*|\s+/).filter(Boolean);
        const hint = parts.length > 1 && parts.some((part) => known.includes(part)) ? `: several needs are a list (needs: [${parts.join(', ')}])` : suggestion(need, known);
        once(error('unknown-need', `task "${task.baseId}" needs "${need}", which is not a task${hint}`, needPath));
      } else {
        for (const target of targets) {
          if (target === i || list.includes(target)) continue;
          list.push(target);
          positions.push(j);
        }
      }
    });
    needs.push(list);
    needIndex.push(positions);
    task.needs = list.map((n) => tasks[n]!.id);
  });

  const workflow: Workflow = {
    file,
    dir,
    name,
    description: raw.description,
    env,
    dotenv: dotenv.values,
    secrets: raw.secrets ?? [],
    secretPatterns: resolveSecretPatterns(config),
    inputs,
    declaredInputs: raw.inputs ?? {},
    policy,
    resources,
    agents,
    telemetry: { heartbeat: parseDuration(raw.telemetry?.heartbeat ?? (schemaDefault('telemetry', 'heartbeat') as Duration))! },
    tasks,
    taskIndex,
    source,
  };
  return { workflow, diagnostics, needs, needIndex, promptFiles };
}
