import { plannedSkips } from '../plan/planned-skips.js';
import { memoKnownBeforeServices, unneededService } from '../plan/unneeded-service.js';
import type { Workflow } from '../workflow/model.js';
import type { TaskGraph } from '../workflow/graph.js';
import { projectRoot } from '../workflow/project-root.js';
import type { EngineOptions } from './engine-options.js';
import { recallMemo, serviceIds } from './memo-key.js';
import type { RuntimeValues } from './runtime-values.js';
import type { TemplateRef } from '../workflow/templates.js';
import { FINAL, type TaskState } from './task-state.js';

/** Thrown while a memo key is made early from a value that may still change. */
const UNSETTLED = Symbol('unsettled');
/** The longest chain of memoized answers an early memo key is read through (answeredEarly). */
const MAX_CHAIN = 100;

/** What the lookups read of the run going on (its own workflow, graph and states, which grow as expansions join). */
export interface RunView {
  workflow: Workflow;
  graph: TaskGraph;
  states: readonly TaskState[];
  values: RuntimeValues;
  included: (i: number) => boolean;
  /** Tasks reused from an earlier run, with their outputs. */
  reused: ReadonlyMap<number, Record<string, string>>;
  options: Pick<EngineOptions, 'memo' | 'upToDate' | 'masker'>;
  /** Whether the run is stopping (nothing new is looked up then). */
  stopping: () => boolean;
}

/**
 * Why a ready task need not run, looked up for the run engine: the recorded
 * answer of a memoized task (looked up once, so that the answer a service was
 * left off for is the one the task gets), and whether a service is needed by
 * nobody that runs (unneededService, with what is certain now).
 */
export class NotRunLookups {
  /** The project's root (memo keys hold paths relative to it), once a memoized task asks. */
  private root?: string;
  /** The ids of services (their outputs stay out of memo keys), once a memoized task asks. */
  private services?: Set<string>;
  /** Tasks a false `when` skips whatever happens in the run (known before it), by id; worked out when a service asks. */
  private skippedByCondition?: Set<string>;
  private readonly recalled = new Map<number, ReturnType<typeof recallMemo>>();

  constructor(private readonly run: RunView) {}

  /** Whether service `i` (else false) is needed by nobody that runs. */
  unneededService(i: number): boolean {
    return unneededService(i, this.run.workflow.tasks, this.run.graph, this.run.included, (d) => this.certainlyNotRun(d));
  }

  /**
   * A memoized task's memo key and recorded success. `early` (before it is
   * ready): undefined while its key reads an answer not yet certain
   * (answeredEarly); `depth`: how many memos deep this lookup is.
   */
  memo(i: number, early = false, depth = 0): ReturnType<typeof recallMemo> | undefined {
    let memo = this.recalled.get(i);
    if (memo) return memo;
    const { workflow, values, options } = this.run;
    this.root ??= projectRoot(workflow.dir);
    this.services ??= serviceIds(workflow.tasks);
    const valueOf: Parameters<typeof recallMemo>[1] = (ref, env) => {
      if (!early || values.settled(ref)) return values.valueOf(ref, env);
      if (!this.answeredEarly(i, ref, depth)) throw UNSETTLED;
      return values.valueOf(ref, env, (t) => this.settledOutputs(t) ?? this.recalled.get(t)!.outputs!);
    };
    try {
      memo = recallMemo(workflow.tasks[i]!, valueOf, options.memo!, this.root, this.services, options.masker);
    } catch (caught) {
      if (caught === UNSETTLED) return undefined;
      throw caught;
    }
    this.recalled.set(i, memo);
    return memo;
  }

  /**
   * Whether what `ref` reads for task `i`'s early memo key is known though a
   * task it reads has not ended: each such task is reused or up to date
   * (settledOutputs), or memoized once ready with an answer looked up now
   * (the plan reads a chain of memoized answers alike) — and should that one
   * be skipped instead, `i` is skipped with it (skippedWith) and runs no more
   * than memoized. A chain longer than MAX_CHAIN is not followed (a service
   * it needs starts), rather than recursed as deep.
   */
  private answeredEarly(i: number, ref: TemplateRef, depth: number): boolean {
    const { workflow, values } = this.run;
    if (ref.kind !== 'task-output' || depth >= MAX_CHAIN) return false;
    const read = values.read(ref);
    return read.length > 0 && read.every((t) => this.settledOutputs(t) !== undefined
      || (memoKnownBeforeServices(workflow.tasks[t]!) && this.skippedWith(t, i) && this.memo(t, true, depth + 1)?.outputs !== undefined));
  }

  /**
   * The outputs task `t` ends with, when they are certain though it may not
   * have ended: it has, or it is reused or up to date, which it is once
   * ready whatever its needs do (it may wait for a service).
   */
  private settledOutputs(t: number): Readonly<Record<string, string>> | undefined {
    const { states, reused, options } = this.run;
    if (FINAL.has(states[t]!.state)) return states[t]!.outputs;
    return reused.get(t) ?? options.upToDate?.get(t)?.outputs;
  }

  /**
   * Whether task `i` is certainly skipped when task `t` is: a chain of needs
   * leads from `t` to `i` through tasks that run only when their needs
   * succeed (`if: success`), each skipped with its skipped need.
   */
  private skippedWith(t: number, i: number): boolean {
    const { workflow, graph, included } = this.run;
    const onlyOnSuccess = (k: number) => included(k) && workflow.tasks[k]!.if === 'success' && !workflow.tasks[k]!.dynamicMatrix;
    if (!onlyOnSuccess(i)) return false;
    const seen = new Set([t]);
    for (const walk = [t]; walk.length;) {
      for (const k of graph.dependents[walk.pop()!]!) {
        if (k === i) return true;
        if (!seen.has(k) && onlyOnSuccess(k)) {
          seen.add(k);
          walk.push(k);
        }
      }
    }
    return false;
  }

  /**
   * Whether task `d` will not run whatever happens now: ended, reused, up to date, skipped by a
   * `when` known false, or memoized — its answer known before the services it needs start.
   */
  private certainlyNotRun(d: number): boolean {
    const { workflow, states, reused, options } = this.run;
    if (FINAL.has(states[d]!.state) || reused.has(d) || options.upToDate?.has(d)) return true;
    this.skippedByCondition ??= new Set([...plannedSkips(workflow)].filter(([, why]) => why === 'condition').map(([id]) => id));
    if (this.skippedByCondition.has(workflow.tasks[d]!.id)) return true;
    if (!memoKnownBeforeServices(workflow.tasks[d]!) || !options.memo || this.run.stopping()) return false;
    // Whatever its other needs do, it is memoized or skipped once ready, if its key is known now.
    return this.memo(d, true)?.outputs !== undefined;
  }
}
