import { mostCost } from '../workflow/schema.js';
import { showNumber } from '../util/show-number.js';
import { costAt, validCost } from './reported-cost.js';
import type { SecretMasker } from '../telemetry/mask.js';
import type { AttemptRequest, AttemptResult, Executor, PreviousError } from './attempt.js';
import { MAX_OUTPUT_BYTES, outputsTooLarge } from './outputs.js';
import { TaskLog } from './task-log.js';
import { keptSummary, MAX_SUMMARY_BYTES } from './task-summary.js';
import { setLongTimeout, type LongTimeout } from '../util/long-timeout.js';

/** What an in-process agent receives besides the prompt. */
export interface AgentContext {
  runId: string;
  taskId: string;
  attempt: number;
  /** On a retry: why the attempt before it failed (masked), e.g. what its outputs did not match; an agent may repair its answer. */
  previousError?: PreviousError;
  params: Record<string, unknown>;
  env: Record<string, string>;
  /** Aborted on timeout and cancellation: stop work and return or throw. */
  signal: AbortSignal;
  /** Writes a line to the task's log (masked). */
  log(line: string): void;
}

/** What an in-process agent returns. */
export interface AgentOutput {
  /** Free text, written to the log (and the `captureStdout` output, as a command's stdout is). */
  output?: string;
  /** Outputs for `${{ tasks.ID.outputs.KEY }}`. */
  outputs?: Record<string, string | number | boolean>;
  /** Files produced, relative to the task's cwd: each must exist (globs must match), as declared `artifacts`; the result lists them. */
  artifacts?: string[];
  /** Actual cost of this attempt. */
  cost?: number;
  /** Markdown for people, as a command writes to $ORCHESTRATE_SUMMARY: shown after the run, in its report and in GitHub's job summary (masked, at most 1 MB). */
  summary?: string;
}

export interface Agent {
  run(prompt: string, context: AgentContext): Promise<AgentOutput> | AgentOutput;
}

export type AgentFactory = (context: AgentContext) => Agent;

/** Runs an attempt with an agent implemented in this process (library API). */
export class InProcessExecutor implements Executor {
  constructor(private readonly factory: AgentFactory, private readonly masker: SecretMasker, private readonly baseEnv: Record<string, string> = {}) {}

  async run(request: AttemptRequest): Promise<AttemptResult> {
    const started = performance.now();
    const log = new TaskLog(request.logFile, this.masker);
    const header = `--- attempt ${request.attempt} of ${request.taskId} started ${new Date().toISOString()} (in-process agent)`;
    log.header(header);
    for (const note of request.notes ?? []) log.note(note);
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort(request.signal.reason);
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener('abort', onAbort, { once: true });
    const context: AgentContext = {
      runId: request.runId,
      taskId: request.taskId,
      attempt: request.attempt,
      ...(request.previousError ? { previousError: { ...request.previousError } } : {}),
      params: request.params,
      env: { ...this.baseEnv, ...request.env },
      signal: controller.signal,
      log: (line) => {
        log.note(line);
        for (const part of String(line).split('\n')) request.onOutput?.('out', this.masker.mask(part));
      },
    };
    // Cleared once the agent settles; until then it keeps the process alive, as the run waits for it.
    let graceTimer: LongTimeout | undefined;
    const aborted = new Promise<'aborted'>((resolve) => {
      const settle = () => {
        graceTimer = setLongTimeout(() => resolve('aborted'), request.gracePeriod * 1000);
      };
      if (controller.signal.aborted) settle();
      else controller.signal.addEventListener('abort', settle, { once: true });
      request.killSignal?.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    const timer = request.timeout !== undefined ? setLongTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, request.timeout * 1000) : undefined;
    let output: AgentOutput | undefined;
    let failure: string | undefined;
    try {
      const agent = this.factory(context);
      // What JavaScript callers give is checked here: TypeScript's types do not reach them.
      if (agent === null || typeof agent !== 'object' || typeof agent.run !== 'function') {
        throw new Error(`its agent factory returned ${agent === null ? 'null' : typeof agent === 'object' ? 'an object without a run method' : typeof agent}, not an Agent ({ run(prompt, ctx) })`);
      }
      const settled = await Promise.race([Promise.resolve(agent.run(request.prompt ?? '', context)), aborted]);
      if (settled === 'aborted') failure = 'did not stop within the grace period after being aborted';
      else output = settled;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    timer?.clear();
    graceTimer?.clear();
    request.signal.removeEventListener('abort', onAbort);
    if (output !== undefined && (output === null || typeof output !== 'object')) {
      log.note(`the agent returned ${output === null ? 'null' : typeof output}, not an object: no outputs taken`);
      output = undefined;
    }
    // What it said (its stdout, as a shell task's): text, or what JSON writes of anything else.
    const said = output?.output === undefined ? undefined : typeof output.output === 'string' ? output.output : shown(output.output);
    if (said !== undefined) {
      for (const line of said.split('\n')) {
        log.note(line);
        request.onOutput?.('out', this.masker.mask(line));
      }
    }
    const given = output?.outputs !== null && typeof output?.outputs === 'object' ? output.outputs : {};
    let outputs: Record<string, string> = {};
    let invalid: string | undefined;
    for (const [k, v] of Object.entries(given)) {
      try {
        const text = outputText(v);
        if (text === undefined) log.note(`output ${k} ignored: ${typeof v} is no value (as JSON leaves it out)`);
        else outputs[k] = text;
      } catch (error) {
        invalid ??= `its output ${k} cannot be written as JSON: ${(error as Error).message.split('\n')[0]}`;
      }
    }
    // An in-process agent's stdout is the text it returns.
    const key = request.captureStdout;
    if (key !== undefined && said !== undefined && !Object.hasOwn(outputs, key)) outputs[key] = said.replace(/(\r?\n)+$/, '');
    const bytes = Object.entries(outputs).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v) + 2, 0);
    if (invalid !== undefined) outputs = {};
    else if (bytes > MAX_OUTPUT_BYTES) {
      invalid = outputsTooLarge(bytes);
      outputs = {};
    }
    outputs = this.masker.maskDeep(outputs);
    let cost: number | undefined;
    if (output?.cost !== undefined) {
      cost = typeof output.cost === 'number' ? validCost(output.cost) : undefined;
      if (cost === undefined) log.note(`cost ${shown(output.cost)} ignored: not a number from 0 to ${showNumber(mostCost())}; the declared cost counts`);
    } else if (invalid === undefined) {
      // Its returned `cost` is a command's `cost=` (a `cost` among its outputs is just an output); else where its costOutput says.
      const reported = costAt(outputs, request.costOutput);
      cost = reported.cost;
      if (reported.note !== undefined) log.note(reported.note);
    }
    let artifacts: string[] | undefined;
    if (output?.artifacts !== undefined) {
      if (Array.isArray(output.artifacts) && output.artifacts.every((a) => typeof a === 'string' && a !== '')) artifacts = output.artifacts;
      else log.note(`artifacts ${shown(output.artifacts)} ignored: not a list of paths`);
    }
    let summary: string | undefined;
    if (output?.summary !== undefined) {
      const given: unknown = output.summary;
      if (typeof given !== 'string') {
        log.note(`summary ignored: ${given === null ? 'null' : Array.isArray(given) ? 'a list' : typeof given === 'object' ? 'an object' : `a ${typeof given}`}, not text`);
      } else {
        const kept = keptSummary(given, this.masker);
        if (kept.cut) log.note(`its summary was cut to its first ${MAX_SUMMARY_BYTES} bytes`);
        summary = kept.text;
      }
    }
    const base = { exitCode: null, signal: null, durationMs: performance.now() - started, outputs, cost, artifacts, ...(summary !== undefined ? { summary } : {}), tail: [] as string[] };
    let result: AttemptResult;
    if (timedOut) result = { ...base, ok: false, kind: 'timeout', message: `timed out after ${request.timeout}s` };
    else if (request.signal.aborted) result = { ...base, ok: false, kind: 'cancelled', message: 'cancelled' };
    else if (failure !== undefined) result = { ...base, ok: false, kind: 'exit-code', message: this.masker.mask(failure) };
    else if (invalid !== undefined) result = { ...base, ok: false, kind: 'invalid', message: invalid };
    else result = { ...base, ok: true };
    if (!result.ok) log.note(`attempt ${request.attempt} failed: ${result.message}`);
    result.tail = log.tail();
    // Every line it wrote (notes too) is in its tail: none, and the log has no header yet.
    if (!result.tail.length) result.unwrittenHeader = header;
    await log.close();
    return result;
  }
}

/** JSON's replacer for what it cannot write itself: a bigint as its digits. */
const bigintsAsDigits = (_key: string, item: unknown): unknown => (typeof item === 'bigint' ? item.toString() : item);

/**
 * An output's text as an agent returned it: text as it is; an object or list
 * as its JSON text; a bigint, number, boolean or null as its text; undefined
 * for what JSON leaves out (undefined, a function, a symbol). Throws when
 * JSON cannot write it (a circular object).
 */
function outputText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value, bigintsAsDigits);
}

/** A value an agent returned, for its log: as JSON writes it, or as its text where JSON writes nothing or cannot. */
function shown(value: unknown): string {
  // JSON writes Infinity and NaN as null.
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' || (typeof value === 'number' && !Number.isFinite(value))) return String(value);
  try {
    return JSON.stringify(value, bigintsAsDigits);
  } catch {
    return String(value);
  }
}
