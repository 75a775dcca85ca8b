import { existsSync } from 'node:fs';
import { expandHome } from '../util/home-path.js';
import { basename, join, relative, resolve } from 'node:path';
import { ioReason } from '../errors.js';
import { readCapped } from '../util/read-capped.js';
import { DEFAULT_WORKFLOW_FILES } from './workflow-files.js';
import { error, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import type { AgentSpec, TaskSpec, Workflow } from './model.js';
import { namespacedTask } from './namespace.js';
import { MAX_FILE_BYTES } from './parse-yaml.js';
import type { Input, WorkflowFile } from './schema-types.js';
import { bindInputs, readWith } from './include-inputs.js';
import { secretNameMatcher } from '../util/secret-names.js';
import type { InputValues } from './inputs.js';
import type { LoadResult } from './load.js';
import { statIfPresent } from '../util/stat-if-present.js';
import { ownValue } from '../util/own-value.js';

/** What the files a workflow includes bring: their tasks (namespaced), what joins the whole run, and their own load results. */
export interface Includes {
  /** Each included file's own load (diagnostics at its own positions), in `include` order. */
  results: LoadResult[];
  tasks: TaskSpec[];
  agents: Record<string, AgentSpec>;
  resources: Record<string, number>;
  /** The included file (as its entry wrote it) each agent and resource came from first. */
  origin: Record<string, string>;
  secrets: string[];
  dotenv: Record<string, string>;
  /** Problems at the including file's positions. */
  diagnostics: Diagnostic[];
  /** The namespaces whose file could not be included (their tasks are missing: needs on them are not reported again). */
  failed: string[];
}

/** Keys an included file cannot set: one run has one policy, one heartbeat and one exclusive group. */
export const NOT_IN_INCLUDED = ['policy', 'telemetry', 'exclusive'] as const;

/** How an include reaches a file: the including workflow's inputs (declared, their values) and the files above it (cycles). */
export interface IncludeContext {
  declared: Record<string, Input>;
  values: InputValues;
  /** The files that include this one, directly or not, the top first, then this one. */
  chain: readonly string[];
}

/**
 * The most files one chain of includes may hold, the including workflow
 * counted: deeper is a mistake (GitHub Actions stops reusable workflows at 10
 * levels), and an unbounded chain would overflow the stack that loads it.
 */
export const MAX_INCLUDE_DEPTH = 32;

/**
 * Loads the files `raw.include` names (relative to the including file's
 * directory) with `load`, each as a workflow of its own with the input values
 * its entry's `with` gives, and namespaces their tasks (theirs included: an
 * included file may include others, never one above it). A file that cannot
 * be read or has errors is a `bad-include` at its entry (its own problems are
 * in its result, at its own positions).
 */
export function loadIncludes(raw: WorkflowFile, context: IncludeContext, load: (text: string, file: string, inputs: InputValues, includedBy: readonly string[]) => LoadResult): Includes {
  const out: Includes = { results: [], tasks: [], agents: {}, resources: {}, origin: {}, secrets: [], dotenv: {}, diagnostics: [], failed: [] };
  const file = context.chain[context.chain.length - 1]!;
  const dir = resolve(file, '..');
  /** Namespaced task ids taken so far, and by which file. */
  const bases = new Map<string, string>();
  for (const [ns, entry] of Object.entries(raw.include ?? {})) {
    const at = ['include', ns];
    const path = typeof entry === 'string' ? entry : entry.path;
    const pathAt = typeof entry === 'string' ? at : [...at, 'path'];
    // A problem at the entry (an unreadable file, one with errors, a conflict) leaves its tasks out.
    const refuse = (...ds: Diagnostic[]) => {
      out.diagnostics.push(...ds);
      if (ds.length && !out.failed.includes(ns)) out.failed.push(ns);
    };
    const included = workflowIn(resolve(dir, expandHome(path)));
    if (included === file) {
      refuse(error('bad-include', 'a workflow cannot include itself', pathAt));
      continue;
    }
    const above = context.chain.indexOf(included);
    if (above !== -1) {
      const cycle = [...context.chain.slice(above), included].map((f) => relative(dir, f) || basename(f)).join(' → ');
      refuse(error('bad-include', `includes cannot form a cycle: ${cycle}`, pathAt));
      continue;
    }
    if (context.chain.length >= MAX_INCLUDE_DEPTH) {
      refuse(error('bad-include', `includes nest too deep: "${path}" would be file ${context.chain.length + 1} of one chain of includes, and at most ${MAX_INCLUDE_DEPTH} nest`, pathAt));
      continue;
    }
    const text = readIncluded(included);
    if (typeof text !== 'string') {
      // An optional file that is not there is left out, as Taskfile's `optional: true`.
      if (text.missing && typeof entry !== 'string' && entry.optional) continue;
      refuse(error('bad-include', `cannot include "${path}": ${text.problem}`, pathAt));
      continue;
    }
    const given = readWith(typeof entry === 'string' ? undefined : entry.with, context.declared, context.values, at);
    const result = load(text, included, given.given, context.chain);
    out.results.push(result, ...(result.included ?? []));
    if (hasErrors(result.diagnostics) || !result.workflow) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      refuse(error('bad-include', `"${path}" has ${errors} error${errors === 1 ? '' : 's'} of its own (shown under its name)`, pathAt), ...given.diagnostics);
      continue;
    }
    const workflow = result.workflow;
    const bound = bindInputs(given, workflow.declaredInputs, workflow.inputs, path, at, secretNameMatcher(workflow.secretPatterns));
    refuse(...given.diagnostics, ...bound.diagnostics);
    if (given.diagnostics.length || bound.diagnostics.length) continue;
    for (const [name, agent] of Object.entries(workflow.agents)) {
      const mine = ownValue(out.agents, name);
      if (mine && JSON.stringify(mine) !== JSON.stringify(agent)) refuse(error('include-conflict', `agent "${name}" of "${path}" is defined differently in "${out.origin[`agent:${name}`]}": define it once (in the config file, for both)`, at));
      else if (!mine) {
        out.agents[name] = agent;
        out.origin[`agent:${name}`] = path;
      }
    }
    for (const [name, capacity] of Object.entries(workflow.resources)) {
      const mine = ownValue(out.resources, name);
      if (mine !== undefined && mine !== capacity) refuse(error('include-conflict', `resource "${name}" has capacity ${capacity} in "${path}" and ${mine} in "${out.origin[`resource:${name}`]}": give it one capacity`, at));
      else if (mine === undefined) {
        out.resources[name] = capacity;
        out.origin[`resource:${name}`] = path;
      }
    }
    out.secrets.push(...workflow.secrets);
    Object.assign(out.dotenv, workflow.dotenv);
    const clashes = new Set<string>();
    for (const baseId of new Set(workflow.tasks.map((t) => t.baseId))) {
      const id = `${ns}.${baseId}`;
      const clash = Object.hasOwn(raw.tasks, id) ? 'this workflow' : bases.get(id);
      if (clash === undefined) continue;
      clashes.add(baseId);
      refuse(error('include-conflict', `task "${baseId}" of "${path}" becomes "${id}", which ${clash} already has: rename one of them`, at));
    }
    for (const task of workflow.tasks) {
      if (clashes.has(task.baseId)) continue;
      bases.set(`${ns}.${task.baseId}`, `"${path}"`);
      out.tasks.push(namespacedTask(task, ns, at, bound.binding));
    }
  }
  return out;
}

/**
 * Adds what included files bring to the including workflow (built with their
 * tasks): their agents and resources (one set of limits for the run; a name
 * defined differently here is an `include-conflict`), secrets and dotenv
 * values (under its own).
 */
export function mergeIncluded(workflow: Workflow, includes: Includes, raw: WorkflowFile): void {
  for (const [name, agent] of Object.entries(includes.agents)) {
    const mine = ownValue(workflow.agents, name);
    if (!mine) workflow.agents[name] = agent;
    else if (JSON.stringify(mine) !== JSON.stringify(agent)) {
      includes.diagnostics.push(error('include-conflict', `agent "${name}" is defined differently here and in "${includes.origin[`agent:${name}`]}": define it once (in the config file, for both)`, raw.agents && ownValue(raw.agents, name) ? ['agents', name] : ['include'], true));
    }
  }
  for (const [name, capacity] of Object.entries(includes.resources)) {
    const mine = ownValue(workflow.resources, name);
    if (mine === undefined) workflow.resources[name] = capacity;
    else if (mine !== capacity) {
      includes.diagnostics.push(error('include-conflict', `resource "${name}" has capacity ${mine} here and ${capacity} in "${includes.origin[`resource:${name}`]}": give it one capacity`, raw.resources && ownValue(raw.resources, name) !== undefined ? ['resources', name] : ['include'], true));
    }
  }
  workflow.secrets = [...new Set([...workflow.secrets, ...includes.secrets])];
  workflow.dotenv = { ...includes.dotenv, ...workflow.dotenv };
}

/**
 * The files a workflow includes, directly or not, once each: a file included
 * twice (with other inputs, or by two files) is loaded twice, and its problems
 * are what either load found.
 */
export function includedFiles(result: LoadResult): LoadResult[] {
  const byFile = new Map<string, LoadResult>();
  for (const one of result.included ?? []) {
    const first = byFile.get(one.file);
    if (!first) {
      byFile.set(one.file, one);
      continue;
    }
    const key = (d: Diagnostic) => `${d.code}|${d.position?.line}|${d.position?.column}|${d.message}`;
    const known = new Set(first.diagnostics.map(key));
    const more = one.diagnostics.filter((d) => !known.has(key(d)));
    if (more.length) byFile.set(one.file, { ...first, diagnostics: sortDiagnostics([...first.diagnostics, ...more]) });
  }
  return [...byFile.values()];
}

/** A directory means the workflow in it (`orchestrate.yaml`, as a command run there would take), as Taskfile's includes take a directory. */
function workflowIn(path: string): string {
  if (!statIfPresent(path)?.isDirectory()) return path;
  return DEFAULT_WORKFLOW_FILES.map((name) => join(path, name)).find((file) => existsSync(file)) ?? path;
}

/** The text of an included file, or why it cannot be read. */
function readIncluded(path: string): string | { problem: string; missing?: boolean } {
  try {
    return readCapped(path, MAX_FILE_BYTES) ?? { problem: `it is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` };
  } catch (caught) {
    const code = (caught as NodeJS.ErrnoException).code;
    return { problem: code === 'EISDIR' ? `it is a directory without ${DEFAULT_WORKFLOW_FILES.join(' or ')}` : ioReason(caught), missing: code === 'ENOENT' };
  }
}
