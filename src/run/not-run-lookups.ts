import { plannedSkips } from '../plan/planned-skips.js';
import { memoKnownBeforeServices, unneededService } from '../plan/unneeded-service.js';
import type { Workflow } from '../workflow/model.js';
import type { TaskGraph } from '../workflow/graph.js';
import { projectRoot } from '../workflow/project-root.js';
import type { EngineOptions } from './engine-options.js';
import { recallMemo, serviceIds } from './memo-key.js';
import type { RuntimeValues } from './runtime-values.js';
import { FINAL, type TaskState } from './task-state.js';

/** Thrown while a memo key is made early from a value that may still change. */
const UNSETTLED = Symbol('unsettled');

/** What the lookups read of the run going on (its own workflow, graph and states, which grow as expansions join). */
export interface RunView {
  workflow: Workflow;
  graph: TaskGraph;
  states: readonly TaskState[];
  values: RuntimeValues;
  included: (i: number) => boolean;
  /** Tasks reused from an earlier run. */
  reused: ReadonlyMap<number, unknown>;
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
   * ready): undefined while its key reads a task that has not ended.
   */
  memo(i: number, early = false): ReturnType<typeof recallMemo> | undefined {
    let memo = this.recalled.get(i);
    if (memo) return memo;
    const { workflow, values, options } = this.run;
    this.root ??= projectRoot(workflow.dir);
    this.services ??= serviceIds(workflow.tasks);
    const valueOf: Parameters<typeof recallMemo>[1] = (ref, env) => {
      if (early && !values.settled(ref)) throw UNSETTLED;
      return values.valueOf(ref, env);
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
