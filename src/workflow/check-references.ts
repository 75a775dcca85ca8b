import { runnerValue, runnerValues } from './runner-context.js';
import { expansionsByMatrixTask, matrixKeys } from './expand-matrix.js';
import { error, hasErrors, warning, type Diagnostic, type DocPath } from './diagnostics.js';
import { ancestors, isAncestor, type TaskGraph } from './graph.js';
import { hasTemplate, parseTemplate, type TemplateRef } from './templates.js';
import { paramTexts } from './param-texts.js';
import { literalComparisons, parseCondition, same, unorderedLiterals } from './condition.js';
import type { TaskSpec, Workflow } from './model.js';
import { unknownInput, unknownRunner } from './load-time-template.js';
import type { WorkflowFile } from './schema-types.js';
import { suggestion } from '../util/suggest.js';
import { schemaValues, unknownMember } from './output-member.js';
import { misspeltOutput } from './unknown-output.js';
import { ownValue } from '../util/own-value.js';

interface Field {
  path: DocPath;
  text: string;
}

/** The template-bearing strings of a task in the file, with their paths. */
function templateFields(baseId: string, task: WorkflowFile['tasks'][string], promptFile?: string): Field[] {
  const at: DocPath = ['tasks', baseId];
  const fields: Field[] = [];
  const add = (path: DocPath, text: unknown) => {
    if (typeof text === 'string' && hasTemplate(text)) fields.push({ path, text });
  };
  add([...at, 'run'], task.run);
  add([...at, 'service', 'ready'], typeof task.service === 'object' ? task.service.ready : undefined);
  add([...at, 'prompt'], task.prompt);
  // A prompt file's templates are reported at its `promptFile`.
  add([...at, 'promptFile'], promptFile);
  add([...at, 'cwd'], task.cwd);
  if (typeof task.approval === 'object') add([...at, 'approval', 'message'], task.approval.message);
  else add([...at, 'approval'], task.approval);
  for (const [k, v] of Object.entries(task.env ?? {})) add([...at, 'env', k], v);
  (task.artifacts ?? []).forEach((a, i) => add([...at, 'artifacts', i], a));
  (task.sources ?? []).forEach((a, i) => add([...at, 'sources', i], a));
  // A matrix key from another task's output.
  for (const [k, v] of Object.entries(task.matrix ?? {})) if (k !== 'include' && k !== 'exclude') add([...at, 'matrix', k], v);
  fields.push(...paramTexts(task.params as Record<string, unknown> | undefined, [...at, 'params']));
  return fields;
}

/** The template-bearing strings of the workflow's env and its agents, with their paths. */
function sharedFields(raw: WorkflowFile): Field[] {
  const fields: Field[] = [];
  const add = (path: DocPath, text: unknown) => {
    if (typeof text === 'string' && hasTemplate(text)) fields.push({ path, text });
  };
  for (const [k, v] of Object.entries(raw.env ?? {})) add(['env', k], v);
  for (const [name, agent] of Object.entries(raw.agents ?? {})) {
    add(['agents', name, 'command'], agent.command);
    add(['agents', name, 'cwd'], agent.cwd);
    for (const [k, v] of Object.entries(agent.env ?? {})) add(['agents', name, 'env', k], v);
  }
  return fields;
}

/** An `inputs.NAME` that the workflow does not declare. */
function undeclaredInput(raw: WorkflowFile, ref: TemplateRef, where: string, path: DocPath): Diagnostic | undefined {
  if (ref.kind !== 'inputs' || Object.hasOwn(raw.inputs ?? {}, ref.key)) return undefined;
  return unknownInput(Object.keys(raw.inputs ?? {}), ref, where, path);
}

/** How a task can have ended, as `tasks.ID.status` says it (not GitHub's `success`). */
const STATUSES = ['succeeded', 'failed', 'skipped', 'cancelled'];

/**
 * The values a reference can have, when the workflow says them all: an input
 * with an enum (or a boolean one), a key of the task's own matrix (known
 * before the run), how a task ended, `runner.os` and `runner.arch` as GitHub
 * names them, an output (or its member) whose outputSchema lists its values.
 */
function possibleValues(raw: WorkflowFile, workflow: Workflow, expansions: readonly number[] | undefined, ref: TemplateRef, matrixTasks: ReadonlyMap<string, number[]>): string[] | undefined {
  if (ref.kind === 'inputs') {
    const input = raw.inputs && Object.hasOwn(raw.inputs, ref.key) ? raw.inputs[ref.key]! : undefined;
    if (input?.enum) return input.enum.map(String);
    return input?.type === 'boolean' ? ['true', 'false'] : undefined;
  }
  if (ref.kind === 'runner') return runnerValues(ref.key);
  if (ref.kind === 'task-status') return STATUSES;
  if (ref.kind === 'task-output') {
    // One task's output (or one expansion's, by a leading index into a whole matrix), as its outputSchema allows; a whole matrix's is a list.
    const index = workflow.taskIndex.get(ref.task);
    const whole = index === undefined ? matrixTasks.get(ref.task) : workflow.tasks[index]!.dynamicMatrix ? [index] : undefined;
    const path = ref.path ?? [];
    if (whole && !/^\d+$/.test(path[0] ?? '')) return undefined;
    const owner = whole ? workflow.tasks[whole[0]!] : index === undefined ? undefined : workflow.tasks[index];
    return owner && schemaValues(owner.outputSchema?.[ref.key], whole ? path.slice(1) : path);
  }
  // A matrix known before the run: its expansions (none for a task without a matrix, or one from outputs).
  if (ref.kind !== 'matrix' || !expansions) return undefined;
  // An expansion without the key (an include that adds it to others) reads it as empty.
  return [...new Set(expansions.map((e) => workflow.tasks[e]!.matrix!).map((m) => (Object.hasOwn(m, ref.key) ? String(m[ref.key]) : '')))];
}

/**
 * Checks every template: its syntax, that a `tasks.X.outputs.Y` names a task
 * that runs before this one (an ancestor through `needs`), that `matrix.K`
 * names a key of the task's matrix, `params.K` one of its params and
 * `inputs.NAME` an input of the workflow (also in its env and agents); and
 * each task's `when` condition, which reads the same references.
 */
export function checkReferences(raw: WorkflowFile, workflow: Workflow, graph: TaskGraph, promptFiles: ReadonlyMap<string, string> = new Map()): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const expansionsOfBase = expansionsByMatrixTask(workflow.tasks);
  for (const field of sharedFields(raw)) {
    const where = field.path[0] === 'env' ? 'the workflow env' : `agent "${field.path[1]}"`;
    for (const ref of parseTemplate(field.text).refs) {
      const problem = undeclaredInput(raw, ref, where, field.path);
      if (problem) diagnostics.push(problem);
      // A task that is nowhere, said once here; whether each task that reads it needs it is said at each.
      if ((ref.kind === 'task-output' || ref.kind === 'task-status') && !workflow.taskIndex.has(ref.task) && !expansionsOfBase.has(ref.task) && !Object.hasOwn(raw.tasks, ref.task)) {
        diagnostics.push({ ...error('unknown-reference', `${where} uses ${ref.text}, but there is no task "${ref.task}"${suggestion(ref.task, Object.keys(raw.tasks))}`, field.path), find: ref.text });
      }
    }
  }
  const firstExpansion = new Map<string, TaskSpec>();
  const expansionIndex = new Map<string, number>();
  workflow.tasks.forEach((t, i) => {
    if (!firstExpansion.has(t.baseId)) {
      firstExpansion.set(t.baseId, t);
      expansionIndex.set(t.baseId, i);
    }
  });
  const sharedParsed = new Map<string, TemplateRef[]>();
  const dynamicBases = new Set(workflow.tasks.filter((t) => t.dynamicMatrix).map((t) => t.baseId));
  for (const [baseId, task] of Object.entries(raw.tasks)) {
    const self = expansionIndex.get(baseId);
    if (self === undefined) continue;
    /** What it needs, directly or not: walked once, when a template reads a whole matrix. */
    let upstream: Uint8Array | undefined;
    const checked = templateFields(baseId, task, promptFiles.get(baseId)).map((field) => ({ field, ...parseTemplate(field.text) }));
    if (task.when !== undefined) {
      const field = { path: ['tasks', baseId, 'when'], text: String(task.when) };
      const parsed = parseCondition(field.text);
      if (parsed.error) diagnostics.push(error('bad-condition', `task "${baseId}": its \`when\` condition is not valid: ${parsed.error}`, field.path));
      else checked.push({ field, refs: parsed.refs, errors: [] });
      for (const literal of parsed.condition ? unorderedLiterals(parsed.condition) : []) {
        diagnostics.push(warning('ordering-not-number', `task "${baseId}": its \`when\` orders '${literal}', which is not a number: \`<\`, \`<=\`, \`>\` and \`>=\` compare numbers, so that comparison is always false (compare text with == or contains())`, field.path));
      }
      for (const { ref, literal, kind } of parsed.condition ? literalComparisons(parsed.condition) : []) {
        const options = possibleValues(raw, workflow, dynamicBases.has(baseId) ? undefined : expansionsOfBase.get(baseId), ref, expansionsOfBase);
        if (!options || options.some((option) => same(option, literal))) continue;
        const shown = options.map((o) => `'${o}'`).join(', ');
        diagnostics.push(warning('not-an-option', `task "${baseId}": its \`when\` compares ${ref.text} with '${literal}', which is none of the values it can have (${shown}), so \`${kind === 'eq' ? '==' : '!='}\` is always ${kind === 'eq' ? 'false' : 'true'}`, field.path));
      }
    }
    for (const { field, refs, errors } of checked) {
      const before = diagnostics.length;
      for (const problem of errors) diagnostics.push({ ...error('bad-template', `task "${baseId}": ${problem.message}`, field.path), find: problem.text });
      for (const ref of refs) {
        const at = (d: Diagnostic): Diagnostic => ({ ...d, find: ref.text });
        const input = undeclaredInput(raw, ref, `task "${baseId}"`, field.path);
        if (input) diagnostics.push(input);
        // A string is filled when the task runs, as the last of its templates: after sources were fingerprinted.
        else if (field.path[2] === 'sources' && (ref.kind === 'task-output' || ref.kind === 'task-status' || ref.kind === 'env' || ref.kind === 'literal')) {
          diagnostics.push(at(error('bad-template', `task "${baseId}": its sources are fingerprinted before anything runs, so ${ref.text} cannot be used there: use matrix, params or inputs templates`, field.path)));
        }
        // Sources are relative to the cwd: it must be known before anything runs too.
        else if (field.path[2] === 'cwd' && field.path.length === 3 && task.sources?.length && (ref.kind === 'task-output' || ref.kind === 'task-status' || ref.kind === 'env' || ref.kind === 'literal')) {
          diagnostics.push(at(error('bad-template', `task "${baseId}": its sources, relative to its cwd, are fingerprinted before anything runs, so ${ref.text} cannot be used in its cwd: use matrix, params or inputs templates`, field.path)));
        }
        else if (field.path[2] === 'params' && ref.kind === 'params') {
          diagnostics.push(at(error('bad-template', `task "${baseId}": a param cannot read the params (${ref.text}): write its value there too`, field.path)));
        } else if (ref.kind === 'matrix' && !matrixKeys(task.matrix).includes(ref.key)) {
          diagnostics.push(at(error('unknown-reference', `task "${baseId}" uses ${ref.text}, but ${task.matrix ? `its matrix has no key "${ref.key}" (keys: ${matrixKeys(task.matrix).join(', ')})` : 'it has no matrix'}`, field.path)));
        } else if (ref.kind === 'runner' && runnerValue(ref.key) === undefined) {
          diagnostics.push(unknownRunner(ref, `task "${baseId}"`, field.path));
        } else if (ref.kind === 'params' && !(task.params && Object.hasOwn(task.params, ref.key))) {
          diagnostics.push(at(error('unknown-reference', `task "${baseId}" uses ${ref.text}, but it has no param "${ref.key}"`, field.path)));
        } else if (ref.kind === 'task-output' || ref.kind === 'task-status') {
          const target = workflow.taskIndex.get(ref.task);
          const outputs = ref.kind === 'task-output';
          // A matrix task's outputs are its expansions' as a JSON list (Argo's aggregated outputs), once they have all ended.
          const expansions = dynamicBases.has(ref.task) ? undefined : expansionsOfBase.get(ref.task);
          const mark = diagnostics.length;
          if (expansions) {
            upstream ??= ancestors(graph, self);
            if (!expansions.every((e) => upstream![e])) {
              diagnostics.push(at(error('unknown-reference', `task "${baseId}" uses ${ref.text}, ${outputs ? 'the outputs' : 'how it ended'} of all of matrix task "${ref.task}", but does not need all of it (directly or indirectly): add "${ref.task}" to \`needs\`, or name one expansion, e.g. "${firstExpansion.get(ref.task)!.id}"`, field.path)));
            }
          } else if (target === undefined) {
            // A task of the file that has problems of its own (reported there) was not built: no second error for it.
            if (!Object.hasOwn(raw.tasks, ref.task)) diagnostics.push(at(error('unknown-reference', `task "${baseId}" uses ${ref.text}, but there is no task "${ref.task}"${suggestion(ref.task, Object.keys(raw.tasks))}`, field.path)));
          } else if (!isAncestor(graph, target, self)) {
            diagnostics.push(at(error('unknown-reference', `task "${baseId}" uses ${ref.text}, but "${ref.task}" is not among the tasks it needs (directly or indirectly), so ${outputs ? 'its outputs may not exist yet' : 'it may not have ended yet'}: add it to \`needs\``, field.path)));
          } else if (outputs && workflow.tasks[target]!.service && !graph.needs[self]!.includes(target)) {
            diagnostics.push(at(warning('service-not-in-needs', `task "${baseId}" uses ${ref.text}, an output of service "${ref.task}", but does not need it directly: a service is up only while the tasks that need it run (stopped once they have ended, not started when none of them will run), so add "${ref.task}" to its \`needs\``, field.path)));
          }
          // Keys and members are checked only of a reference that stands.
          if (ref.kind !== 'task-output' || !(expansions || target !== undefined) || hasErrors(diagnostics.slice(mark))) continue;
          const owner = workflow.tasks[expansions ? expansions[0]! : target!]!;
          const meant = misspeltOutput(owner, ref.key);
          if (meant !== undefined) {
            diagnostics.push(at(warning('unknown-output', `task "${baseId}" uses ${ref.text}, but "${ref.task}" sets no output "${ref.key}" that lint can see (did you mean "${meant}"?), so it would read empty`, field.path)));
          } else if (ref.path) {
            // A whole matrix's path reads each expansion's member, or one expansion's after a leading index.
            const whole = expansions !== undefined || owner.dynamicMatrix !== undefined;
            const path = whole && /^\d+$/.test(ref.path[0]!) ? ref.path.slice(1) : ref.path;
            const unknown = unknownMember(owner.outputSchema?.[ref.key], path);
            if (unknown) {
              const hint = unknown.meant !== undefined ? ` (did you mean "${unknown.meant}"?)` : ` (it knows ${unknown.known.map((k) => `"${k}"`).join(', ')})`;
              diagnostics.push(at(warning('unknown-output-member', `task "${baseId}" uses ${ref.text}, but the outputSchema of "${ref.task}" for "${ref.key}" has no member "${unknown.member}"${hint}, so it would read empty`, field.path)));
            }
          }
        }
      }
      // A template in a prompt file is shown at `promptFile`: the message names the file.
      if (field.path[2] === 'promptFile') {
        for (let k = before; k < diagnostics.length; k++) diagnostics[k] = { ...diagnostics[k]!, message: `${diagnostics[k]!.message} (in ${task.promptFile})` };
      }
    }
    // A task the shared texts read must be one it needs, as for its own: else what they read depends on which ran first.
    const needed = (ref: TemplateRef): boolean | undefined => {
      if (ref.kind !== 'task-output' && ref.kind !== 'task-status') return undefined;
      const expansions = dynamicBases.has(ref.task) ? undefined : expansionsOfBase.get(ref.task);
      const index = workflow.taskIndex.get(ref.task);
      const targets = expansions ?? (index !== undefined ? [index] : []);
      if (!targets.length) return undefined;
      upstream ??= ancestors(graph, self);
      return targets.every((t) => upstream![t]);
    };
    diagnostics.push(...sharedReadsOf(baseId, task, workflow, raw, sharedParsed, needed));
  }
  return diagnostics;
}

/**
 * What the workflow's env and a task's agent (its command, cwd and env) read
 * of the task, as they are filled for each task: a param the task does not
 * have, or a matrix key it lacks, would stay in the command or variable as
 * written (`Bad substitution` from the shell), and another task's outputs or
 * end that it does not need would be whatever that task had done by then —
 * an error at the task's `agent` (or, for the workflow's env, at the task),
 * once per reference.
 */
function sharedReadsOf(baseId: string, task: WorkflowFile['tasks'][string], workflow: Workflow, raw: WorkflowFile, parsed: Map<string, TemplateRef[]>, needed: (ref: TemplateRef) => boolean | undefined): Diagnostic[] {
  const agent = task.agent === undefined ? undefined : ownValue(workflow.agents, task.agent);
  // What the task sets itself (its cwd, an env entry of the same name), or its agent over the workflow, is not read.
  const own = (k: string) => Object.hasOwn(task.env ?? {}, k);
  const texts: Array<{ where: string; text: string; at: DocPath }> = [];
  for (const [k, v] of Object.entries(raw.env ?? {})) {
    if (typeof v === 'string' && !own(k) && !(agent && Object.hasOwn(agent.env, k))) texts.push({ where: `the workflow's env reads in ${k}`, text: v, at: ['tasks', baseId] });
  }
  if (agent) {
    const of = `its agent "${agent.name}" reads in its`;
    texts.push({ where: `${of} command`, text: agent.command, at: ['tasks', baseId, 'agent'] });
    if (agent.cwd !== undefined && task.cwd === undefined) texts.push({ where: `${of} cwd`, text: agent.cwd, at: ['tasks', baseId, 'agent'] });
    for (const [k, v] of Object.entries(agent.env)) if (!own(k)) texts.push({ where: `${of} env ${k}`, text: v, at: ['tasks', baseId, 'agent'] });
  }
  const diagnostics: Diagnostic[] = [];
  const said = new Set<string>();
  for (const { where, text, at } of texts) {
    if (!hasTemplate(text)) continue;
    // The same texts for every task: parsed once.
    let refs = parsed.get(text);
    if (!refs) parsed.set(text, (refs = parseTemplate(text).refs));
    for (const ref of refs) {
      if (said.has(ref.text)) continue;
      const other = (ref.kind === 'task-output' || ref.kind === 'task-status') && needed(ref) === false ? ref.task : undefined;
      const noun = ref.kind === 'task-status' ? 'end' : 'output';
      const problem = ref.kind === 'params' && !(task.params && Object.hasOwn(task.params, ref.key)) ? `has no param "${ref.key}", which ${where} (${ref.text}): give the task that param, or read $ORCHESTRATE_PARAMS (JSON), which leaves out a param not given`
        : ref.kind === 'matrix' && !matrixKeys(task.matrix).includes(ref.key) ? `has no ${task.matrix ? `matrix key "${ref.key}"` : 'matrix'}, which ${where} (${ref.text}): only a task with that matrix key can read it`
        : other === baseId ? `would read its own ${noun} before it has one: ${where.replace(' reads in ', ' reads it in ')} (${ref.text}); read it in the tasks that need "${other}" instead`
        : other !== undefined ? `does not need "${other}" (directly or indirectly), whose ${noun} ${where} (${ref.text}): what it read would depend on which ran first; add "${other}" to its needs, or read it in the tasks that need "${other}" instead`
        : undefined;
      if (problem === undefined) continue;
      said.add(ref.text);
      // At the task's own key for the workflow's env, at the agent it names for an agent's.
      diagnostics.push(error('unknown-reference', `task "${baseId}" ${problem}`, at, at.length === 2));
    }
  }
  return diagnostics;
}
