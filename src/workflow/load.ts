import { basename, dirname, extname, resolve } from 'node:path';
import { ioErrorFrom } from '../errors.js';
import { error, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { buildModel } from './build-model.js';
import { checkGraph } from './check-graph.js';
import { checkReferences } from './check-references.js';
import { checkWarnings, circuitWithoutAgents, reservedEnv, shellVariablesInEnv } from './check-warnings.js';
import { retryBlockProblems } from './check-retry-blocks.js';
import { misspelledScripts } from './misspelled-scripts.js';
import { secretsInCommands } from './secret-in-command.js';
import { agentOutputsInCommands } from './agent-output-in-command.js';
import { misspeltCostOutputs, misspeltSchemaOutputs } from './unknown-output.js';
import { secretsInFile, secretsWrittenInFile } from './secrets-in-file.js';
import { missingDirectories, missingPrograms } from './check-directories.js';
import { missingSources } from './check-sources.js';
import { resolveExclusive } from './exclusive.js';
import { templatedShells } from './shell.js';
import { loadIncludes, mergeIncluded, NOT_IN_INCLUDED, type Includes } from './include.js';
import { configSearchStart, loadConfig } from './load-config.js';
import { resolveInputs, type InputValues } from './inputs.js';
import { mergePolicyFiles, resolveSecretPatterns } from './resolve-policy.js';
import { secretNameMatcher } from '../util/secret-names.js';
import { MAX_FILE_BYTES, parseYaml } from './parse-yaml.js';
import { validateWorkflowSchema } from './schema.js';
import { schemaDiagnostics } from './schema-errors.js';
import { unkeyedOutputSchemas, withoutInside } from './unkeyed-output-schema.js';
import { mayHoldNul, nulByteProblems } from './nul-bytes.js';
import { SourceMap } from './source-map.js';
import type { ParseCache } from './parse-cache.js';
import { readCapped } from '../util/read-capped.js';
import { readStdin, STDIN, STDIN_NAME } from './stdin.js';
import type { Workflow } from './model.js';
import type { ConfigFile, WorkflowFile } from './schema-types.js';
import { parseDuration } from '../util/duration.js';
import { visibleText } from '../util/visible-text.js';
import { expandHome } from '../util/home-path.js';

export interface LoadResult {
  /** Absolute path of the workflow file (or the label given for text). */
  file: string;
  source: SourceMap;
  /** The model; present only when there are no errors. */
  workflow?: Workflow;
  /** Every problem found, sorted by position, positions resolved. */
  diagnostics: Diagnostic[];
  /** The config file that was applied, if any. */
  configFile?: string;
  /** What it says (loadWorkflowFile). */
  config?: ConfigFile;
  /** What is wrong with the given input values (unknown, missing, not of their type): a usage error, not the file's. */
  inputProblems?: string[];
  /** The loads of the files it includes, each with its own diagnostics and positions. */
  included?: LoadResult[];
}

export interface LoadOptions {
  /** Defaults from a config file (already loaded). */
  config?: ConfigFile;
  /** Directory of that config file (its relative paths resolve against it). */
  configDir?: string;
  /** Input values given (`--input`); the others take their defaults. */
  inputs?: InputValues;
  /** Every input must have a value (to run; lint and plan render what they can). */
  requireInputs?: boolean;
  /** On resume, the earlier run's input values: for inputs not given. */
  previousInputs?: InputValues;
  /** It is loaded as another workflow's `include`: the keys that belong to the including one are errors. */
  asIncluded?: boolean;
  /** The files that include it, directly or not, the top first (an include of one of them is a cycle). */
  includedBy?: readonly string[];
  /** Texts parsed and checked against the schema before (`run` keeps them), this one's and its includes'. */
  parseCache?: ParseCache;
}

/**
 * The config with its agents' relative `cwd` made absolute against the config
 * file's directory, as its `state` is: a config shared by workflows in several
 * directories means the same place for all of them.
 */
function anchoredConfig(config: ConfigFile, dir: string | undefined): ConfigFile {
  if (dir === undefined || !config.agents) return config;
  const agents = Object.fromEntries(Object.entries(config.agents).map(([name, agent]) => [name, agent.cwd === undefined ? agent : { ...agent, cwd: resolve(dir, expandHome(agent.cwd)) }]));
  return { ...config, agents };
}

/**
 * Loads workflow text into the typed, defaults-applied model: parse, schema,
 * model (cascade, matrix, needs), graph and reference checks. Never throws for
 * a user mistake: everything wrong is a diagnostic with a position.
 */
export function loadWorkflowText(text: string, file: string, options: LoadOptions = {}): LoadResult {
  const source = new SourceMap(file, text);
  let inputProblems: string[] | undefined;
  let includes: Includes | undefined;
  const done = (diagnostics: Diagnostic[], workflow?: Workflow): LoadResult => {
    for (const d of diagnostics) d.position ??= source.locate(d.path ?? [], d.atKey, d.find);
    return {
      file, source, workflow: hasErrors(diagnostics) ? undefined : workflow, diagnostics: sortDiagnostics(diagnostics), inputProblems,
      ...(includes?.results.length ? { included: includes.results } : {}),
    };
  };
  const checked = checkedValue(text, options.parseCache);
  if ('diagnostics' in checked) return done(checked.diagnostics);
  const { schemaErrors } = checked;
  const raw = checked.raw;
  if (options.asIncluded) {
    for (const key of NOT_IN_INCLUDED) {
      if (raw[key] !== undefined) schemaErrors.push(error('bad-include', `an included workflow cannot set \`${key}\`: the including workflow's applies to the whole run`, [key], true));
    }
  }
  // A file's name may hold what `name` may not (a terminal escape): shown as escapes.
  const name = raw.name ?? visibleText(basename(file, extname(file)));
  const config = anchoredConfig(options.config ?? {}, options.configDir);
  // Whatever is shown of the file from here on (a diagnostic's lines) hides the secrets it writes.
  const written = secretsWrittenInFile(raw, resolveSecretPatterns(config));
  source.hide(written.map((w) => w.value));
  const inputs = resolveInputs(raw.inputs ?? {}, options.inputs ?? {}, options.requireInputs ?? false, options.previousInputs, secretNameMatcher(resolveSecretPatterns(config)));
  inputProblems = inputs.problems;
  if (raw.include) {
    // Its tasks take their defaults (retry, timeouts, estimates) from the run's policy, this file's over the config's.
    const policy = mergePolicyFiles(config.policy, raw.policy);
    const context = { declared: raw.inputs ?? {}, values: inputs.values, chain: [...(options.includedBy ?? []), file] };
    // What `with` gives is checked at the entry (against what the file declares), not as a usage error.
    includes = loadIncludes(raw, context, (text, included, values, includedBy) => loadWorkflowText(text, included, { config: { ...config, policy }, configDir: options.configDir, asIncluded: true, inputs: values, includedBy, parseCache: options.parseCache }));
  }
  const failed = includes?.failed ?? [];
  const built = buildModel(raw, config, file, source, name, inputs.values, includes?.tasks, failed);
  if (includes) mergeIncluded(built.workflow, includes, raw);
  if (config.state) built.workflow.stateFile = resolve(options.configDir ?? built.workflow.dir, config.state);
  if (config.retention) built.workflow.retention = { maxRuns: config.retention.maxRuns, maxAge: config.retention.maxAge === undefined ? undefined : parseDuration(config.retention.maxAge) };
  const exclusive = resolveExclusive(raw, file, inputs.values);
  if (exclusive.exclusive) built.workflow.exclusive = exclusive.exclusive;
  const diagnostics = [...schemaErrors, ...built.diagnostics, ...exclusive.diagnostics, ...templatedShells(raw), ...retryBlockProblems(raw, config), ...(includes?.diagnostics ?? [])];
  if (failed.length) return done(diagnostics);
  if (diagnostics.some((d) => d.code === 'unknown-need' || d.code === 'matrix-too-large' || d.code === 'duplicate-task-id')) {
    // The graph is incomplete; cycles and references would be guesses.
    return done(diagnostics);
  }
  const graph = checkGraph(built.workflow, built.needs, built.needIndex);
  diagnostics.push(...graph.diagnostics);
  if (!graph.diagnostics.length) {
    diagnostics.push(...checkReferences(raw, built.workflow, graph.graph, built.promptFiles));
    // A share of the CPUs (`50%`) differs between machines, as the default does: no warning against it.
    const explicitLimit = typeof (raw.policy?.maxConcurrency ?? config.policy?.maxConcurrency) === 'number';
    diagnostics.push(...checkWarnings(built.workflow, graph.graph, explicitLimit), ...missingDirectories(raw, built.workflow), ...missingPrograms(raw, built.workflow), ...misspelledScripts(built.workflow), ...missingSources(built.workflow), ...reservedEnv(raw), ...shellVariablesInEnv(raw), ...circuitWithoutAgents(raw, built.workflow), ...secretsInCommands(raw, built.workflow), ...agentOutputsInCommands(raw, built.workflow), ...misspeltSchemaOutputs(raw, built.workflow), ...misspeltCostOutputs(raw, built.workflow), ...secretsInFile(written));
  }
  return done(diagnostics, built.workflow);
}

/**
 * The text parsed and checked against the schema: the value with the
 * problems that leave it well-typed (unknown keys, NUL bytes), or the
 * diagnostics that stop the load. A text kept in `cache` (it had none) is
 * not parsed again; one without any is held there, for the run to keep.
 */
function checkedValue(text: string, cache?: ParseCache): { raw: WorkflowFile; schemaErrors: Diagnostic[] } | { diagnostics: Diagnostic[] } {
  const kept = cache?.get(text);
  if (kept !== undefined) return { raw: kept as WorkflowFile, schemaErrors: [] };
  const parsed = parseYaml(text);
  if (parsed.diagnostics.length) return { diagnostics: parsed.diagnostics };
  if (typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    const what = Array.isArray(parsed.value) ? 'a list' : `a ${typeof parsed.value}`;
    return { diagnostics: [error('not-a-mapping', `a workflow must be a mapping of keys (version, tasks, ...), but this file is ${what}`, [])] };
  }
  const errors = validateWorkflowSchema(parsed.value);
  // An outputSchema written as one schema always fails the schema: looked for only then.
  const unkeyed = errors.length ? unkeyedOutputSchemas(parsed.value) : [];
  const schemaErrors = [...unkeyed, ...withoutInside(schemaDiagnostics(errors), unkeyed), ...(mayHoldNul(text) ? nulByteProblems(parsed.value) : [])];
  // Unknown keys (and NUL bytes) leave the rest well-typed, so the deeper checks can still run.
  if (schemaErrors.some((d) => d.code !== 'unknown-key' && d.code !== 'nul-byte')) return { diagnostics: schemaErrors };
  if (!schemaErrors.length) cache?.hold(text, parsed.value);
  return { raw: parsed.value as WorkflowFile, schemaErrors };
}

/** Reads a workflow file as text (undefined when too large); I/O problems throw IoError (exit 2). */
export function readWorkflowFile(path: string): string | undefined {
  try {
    return readCapped(resolve(path), MAX_FILE_BYTES);
  } catch (caught) {
    throw ioErrorFrom(path, caught);
  }
}

export interface LoadFileOptions extends Pick<LoadOptions, 'inputs' | 'requireInputs' | 'previousInputs' | 'parseCache'> {
  /** Explicit config file (`--config`); otherwise it is searched from the workflow's directory. */
  configPath?: string;
  /** For `-`: the file the text of standard input stands for (`--stdin-filename`), else `<stdin>` here. */
  stdinName?: string;
}

/**
 * Loads a workflow file with its config file; `-` is standard input, taken
 * as a file in the working directory (or the one `stdinName` names) for its
 * name, relative paths and config. Throws IoError when the file cannot be
 * read; every other problem is a diagnostic.
 */
export async function loadWorkflowFile(path: string, options: LoadFileOptions = {}): Promise<LoadResult> {
  const file = resolve(path === STDIN ? options.stdinName ?? STDIN_NAME : path);
  const text = path === STDIN ? readStdin(MAX_FILE_BYTES) : readWorkflowFile(path);
  if (text === undefined) {
    const source = new SourceMap(file, '');
    return { file, source, diagnostics: [{ ...error('file-too-large', `the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB: refusing to load it`), position: { line: 1, column: 1 } }] };
  }
  const loaded = await loadConfig(configSearchStart(file), options.configPath);
  if (loaded.diagnostics.length) {
    const where = loaded.file ?? 'the config file';
    const source = new SourceMap(file, text);
    // Config problems are reported against the config file, with its positions.
    return { file: where, source: loaded.file ? new SourceMap(where, safeRead(where)) : source, diagnostics: loaded.diagnostics, configFile: loaded.file };
  }
  const configDir = loaded.file ? dirname(loaded.file) : undefined;
  return { ...loadWorkflowText(text, file, { config: loaded.config, configDir, inputs: options.inputs, requireInputs: options.requireInputs, previousInputs: options.previousInputs, parseCache: path === STDIN ? undefined : options.parseCache }), configFile: loaded.file, config: loaded.config };
}

function safeRead(file: string): string {
  try {
    // Capped: the config file may be a device such as /dev/zero, which would be read for ever.
    return readCapped(file, MAX_FILE_BYTES) ?? '';
  } catch {
    return '';
  }
}
