import { Capacity } from '../plan/capacity.js';
import { ReadyQueue, type QueueTask } from '../plan/ready-queue.js';
import { slotWaitOf, WaitTally } from '../plan/wait-tally.js';
import { limitWaits } from '../plan/waits.js';
import { WaitsNow } from './waits-now.js';
import { schedulingInputs, workflowGraph } from '../plan/plan.js';
import type { EventType, RunEvent } from '../telemetry/events.js';
import { renderTemplate } from '../workflow/templates.js';
import { evaluateCondition, staticValue } from '../workflow/condition.js';
import type { TaskSpec, Workflow } from '../workflow/model.js';
import type { TaskGraph } from '../workflow/graph.js';
import type { FailureKind, ServiceEnd } from './attempt.js';
import { findArtifacts } from './artifacts.js';
import type { EngineOptions } from './engine-options.js';
import { CircuitBreakers } from './circuit-breakers.js';
import { CostLedger } from './cost-ledger.js';
import { RateWake } from './rate-wake.js';
import { RuntimeValues } from './runtime-values.js';
import { closeLaunchContext, launchAttempt, openLaunchContext, replaySummary, type AttemptEnd, type LaunchContext } from './launch-attempt.js';
import { NotRunLookups } from './not-run-lookups.js';
import { afterFailure } from './after-failure.js';
import { retryAfterSeconds } from './retry.js';
import { askFor, NO_APPROVER, rejectionMessage, type ApprovalDecision } from './approval.js';
import { cancelReason, readiness, runsWhileStopping, type Stopping } from './readiness.js';
import type { RunResult, TaskStatus } from './result.js';
import { buildRunResult } from './build-result.js';
import { expansionsOf, groupEnd } from './runtime-matrix.js';
import { endBackoff, endEventFields, FINAL, freshState, recordAttempt, type TaskState } from './task-state.js';
import { makeStateDirectory } from '../workflow/project-root.js';
import { ServicesUp } from './services-up.js';
import { setLongTimeout, type LongTimeout } from '../util/long-timeout.js';

/**
 * The state machine of a run: tasks become ready when their needs finish as
 * their `if` requires and start as soon as the shared scheduling choice
 * (ReadyQueue + Capacity, the planner's own) gives them a slot. Retries wait
 * out their backoff without a slot; failures skip dependents (isolated) or
 * stop the run (cascading); budget, circuit breakers, the workflow deadline
 * and interrupts are enforced here. Emits telemetry; never prints.
 */
export class RunEngine {
  private readonly tasks: readonly TaskSpec[];
  private readonly graph: TaskGraph;
  private readonly states: TaskState[];
  private readonly queue: ReadyQueue;
  private readonly capacity: Capacity;
  private readonly breakers: CircuitBreakers;
  private readonly rateWake: RateWake;
  private readonly remaining: number[];
  /** The scheduling facts of each task, as the queue was given them (expansions copy their group's, but their own estimate): what takes and frees capacity. */
  private readonly scheduling: QueueTask[];
  /** Of each matrix from outputs (by index): the longest estimated path after it, which its expansions' ranks add to their own estimates. */
  private readonly pathAfter = new Map<number, number>();
  private readonly included: (i: number) => boolean;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly deadline?: number;
  private readonly ledger: CostLedger;
  private readonly values: RuntimeValues;
  private stopping: Stopping | undefined;
  /** Killed at once (a second Ctrl-C): nothing more starts, not even what runs on an interrupt. */
  private killed = false;
  private readonly services = new ServicesUp();
  /** What queued tasks wait for, and how long (seconds of the runner's clock). */
  private readonly tally = new WaitTally();
  /** What the ready tasks wait for now, for the console and `status` while the run goes. */
  readonly waits: WaitsNow;
  private open = 0;
  private done!: () => void;
  private readonly finished: Promise<void>;
  private readonly reasons: string[] = [];
  private heartbeat?: LongTimeout;
  private deadlineTimer?: LongTimeout;
  private pumping = false;
  /** What each attempt is launched with, once the run has started (its output directory made). */
  private launching!: LaunchContext;
  /** Memoized answers and services nobody needs, looked up. */
  private readonly lookups: NotRunLookups;
  /**
   * Tasks whose needs have all ended, to be readied in turn (the last first):
   * a failure that skips a chain of thousands of dependents is walked, not
   * recursed, which would overflow the stack.
   */
  private readonly readyNext: number[] = [];
  private readying = false;

  /** The run's own view of the workflow: the expansions of a matrix from outputs join it, not the caller's. */
  private readonly workflow: Workflow;
  /** Tasks reused from an earlier run: index -> outputs; reused expansions join it as they do the run. */
  private readonly reused: Map<number, Record<string, string>>;

  constructor(given: Workflow, private readonly options: EngineOptions) {
    const workflow = { ...given, tasks: [...given.tasks], taskIndex: new Map(given.taskIndex) };
    this.workflow = workflow;
    this.tasks = workflow.tasks;
    this.reused = new Map(options.reused);
    const { graph, levels } = workflowGraph(workflow);
    this.graph = graph;
    const inputs = schedulingInputs(workflow, graph, levels, { concurrency: options.concurrency, history: options.history, retryTimes: options.retryTimes });
    // Rate limits count starts in seconds of the runner's clock.
    this.capacity = new Capacity(inputs.limits, () => this.now() / 1000);
    this.queue = new ReadyQueue(inputs.tasks, workflow.policy.fairness, (task, blocker) => this.tally.parked(task, blocker, this.now() / 1000));
    this.rateWake = new RateWake(this.capacity, this.queue, () => this.now(), () => this.pump());
    this.scheduling = inputs.tasks;
    for (const [k, t] of workflow.tasks.entries()) if (t.dynamicMatrix) this.pathAfter.set(k, inputs.tail[k]! - inputs.estimates[k]!);
    this.waits = new WaitsNow({ queue: this.queue, capacity: this.capacity, tally: this.tally, scheduling: this.scheduling, taskIndex: workflow.taskIndex, now: () => this.now() });
    this.breakers = new CircuitBreakers(workflow.policy.circuitBreaker);
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.deadline = workflow.policy.timeout !== undefined ? this.startedAt + workflow.policy.timeout * 1000 : undefined;
    // Tasks that join during the run (expansions of a matrix from outputs) belong to it.
    const loaded = this.tasks.length;
    this.included = options.only ? (i) => i >= loaded || options.only!.has(i) : () => true;
    this.states = this.tasks.map(() => freshState());
    this.values = new RuntimeValues(workflow, this.states, options.baseEnv);
    this.lookups = new NotRunLookups({
      workflow, graph, states: this.states, values: this.values, included: this.included, reused: this.reused, options, stopping: () => this.stopping !== undefined,
    });
    this.remaining = new Array<number>(this.tasks.length).fill(0);
    this.ledger = new CostLedger(workflow.policy.costBudget, this.tasks.reduce((sum, t, i) => sum + (this.included(i) ? this.plannedCost(t) : 0), 0));
    this.finished = new Promise((resolve) => {
      this.done = resolve;
    });
  }

  get concurrency(): number {
    return this.capacity.limits.maxConcurrency;
  }

  /** Seconds the run's agent tasks (expansions too) waited for a free slot under the global limit, added up. */
  agentSlotWait(): number {
    return slotWaitOf(this.tally.waits, (i) => this.tasks[i]!.kind === 'agent');
  }

  async run(): Promise<RunResult> {
    makeStateDirectory(this.options.runDir);
    this.launching = openLaunchContext(this.options, this.values, this.workflow.policy.gracePeriod);
    const inputs = this.workflow.inputs ?? {};
    this.emit('workflow.started', undefined, { workflow: this.workflow.name, tasks: this.countIncluded(), concurrency: this.concurrency, ...(Object.keys(inputs).length ? { inputs: { ...inputs } } : {}) });
    const interrupt = this.options.interrupt;
    const onInterrupt = () => this.stop('interrupt', 'interrupted');
    if (interrupt?.aborted) onInterrupt();
    else interrupt?.addEventListener('abort', onInterrupt, { once: true });
    if (this.deadline !== undefined) {
      this.deadlineTimer = setLongTimeout(() => this.deadlinePassed(), this.deadline - this.now());
    }
    const beat = this.workflow.telemetry.heartbeat;
    const beatEvery = () => {
      this.heartbeat = setLongTimeout(() => {
        this.states.forEach((s, i) => {
          if (s.state === 'running') this.emit('task.heartbeat', i, { attempt: s.attempts, durationMs: this.now() - (s.firstStart ?? this.now()) });
        });
        beatEvery();
      }, beat * 1000).unref();
    };
    if (beat > 0) beatEvery();
    for (let i = 0; i < this.tasks.length; i++) {
      if (!this.included(i)) continue;
      this.open++;
      this.remaining[i] = this.graph.needs[i]!.filter((d) => this.included(d)).length;
    }
    if (this.open === 0) this.done();
    // Collected first: readying one task can finish it at once (skipped, reused) and ready its dependents.
    // Services last: by then what ends at once (up to date, memoized) has, and decides whether they are needed.
    const roots: number[] = [];
    for (let i = 0; i < this.tasks.length; i++) if (this.included(i) && this.remaining[i] === 0 && !this.tasks[i]!.service) roots.push(i);
    for (let i = 0; i < this.tasks.length; i++) if (this.included(i) && this.remaining[i] === 0 && this.tasks[i]!.service) roots.push(i);
    for (const i of roots) this.becomeReady(i);
    this.pump();
    await this.finished;
    // Every task has ended, so every service was told to stop: its process ends within its grace period.
    await this.services.ended();
    interrupt?.removeEventListener('abort', onInterrupt);
    this.heartbeat?.clear();
    this.deadlineTimer?.clear();
    this.rateWake.stop();
    closeLaunchContext(this.launching);
    return this.result();
  }

  private countIncluded(): number {
    let n = 0;
    for (let i = 0; i < this.tasks.length; i++) if (this.included(i)) n++;
    return n;
  }

  /** @param at when it happened, if not now: a start is stamped with the time the result records. */
  private emit(type: EventType, task?: number, extra: Partial<RunEvent> = {}, at = this.now()): void {
    const event: RunEvent = { ts: new Date(at).toISOString(), runId: this.options.runId, type };
    if (task !== undefined) event.taskId = this.tasks[task]!.id;
    Object.assign(event, extra);
    this.options.emit(this.options.masker.maskDeep(event));
  }

  /** All needs are final: queue the task, or skip it as its `if` says. */
  private becomeReady(i: number): void {
    // A matrix expanded from outputs is "ready" again once its expansions have all ended.
    if (this.states[i]!.state === 'expanded') return this.endExpansion(i);
    if (this.states[i]!.state !== 'pending') return;
    if (this.killed) return this.finish(i, 'cancelled', 'interrupted');
    const task = this.tasks[i]!;
    const reused = this.reused.get(i);
    if (reused && !this.stopping) {
      this.states[i]!.outputs = reused;
      this.states[i]!.artifacts = findArtifacts(this.tasks[i]!.artifacts, [], this.tasks[i]!.cwd).produced;
      replaySummary(this.launching, i, task, this.states[i]!, this.options.reusedSummaries?.get(task.id));
      return this.finish(i, 'succeeded', 'reused');
    }
    const upToDate = this.options.upToDate?.get(i);
    if (upToDate && !this.stopping) {
      Object.assign(this.states[i]!, { outputs: upToDate.outputs, sources: upToDate.sources });
      this.states[i]!.artifacts = findArtifacts(this.tasks[i]!.artifacts, [], this.tasks[i]!.cwd).produced;
      replaySummary(this.launching, i, task, this.states[i]!, upToDate.summary);
      return this.finish(i, 'succeeded', 'up-to-date');
    }
    const notRun = readiness(task, this.graph.needs[i]!.filter((d) => this.included(d)).map((d) => this.states[d]!), this.stopping);
    if (notRun) {
      if (notRun.tainted) this.states[i]!.failureTainted = true;
      return this.finish(i, notRun.status, notRun.reason);
    }
    // Its expansions check `when` each, since it may read their matrix values.
    if (task.dynamicMatrix) return this.expand(i);
    // A false `when` is a choice, not a failure: its dependents are skipped harmlessly too.
    if (task.when && !this.holds(i, task)) return this.finish(i, 'skipped', 'condition');
    if (this.lookups.unneededService(i)) return this.finish(i, 'succeeded', 'not-needed');
    if (this.memoized(i)) return this.finish(i, 'succeeded', 'memoized');
    if (task.approval !== undefined) return this.askApproval(i);
    this.enqueue(i);
  }

  /** Whether the task's `when` holds; when not, an output it read that was never set is noted for its skip. */
  private holds(i: number, task: TaskSpec): boolean {
    const empty = new Set<string>();
    const holds = evaluateCondition(task.when!.condition, (ref) => {
      const note = this.values.emptyReadNote(ref);
      if (note !== undefined) empty.add(note);
      return this.values.valueOf(ref, task.env) ?? staticValue(task.inputValues ?? this.workflow.inputs ?? {}, task, ref);
    });
    if (!holds && empty.size) this.states[i]!.skipNote = [...empty].join('; ');
    return holds;
  }

  private enqueue(i: number): void {
    this.joinQueue(i);
    this.emit('task.queued', i, { attempt: this.states[i]!.attempts + 1 });
  }

  /** Puts the task in the ready queue (first, or again after its backoff), its wait counted from now. */
  private joinQueue(i: number): void {
    const s = this.states[i]!;
    s.state = 'queued';
    s.readyAt = this.now();
    endBackoff(s, s.readyAt);
    s.queuedAt ??= s.readyAt;
    this.tally.ready(i, s.readyAt / 1000);
    this.queue.push(i, s.readyAt);
  }

  /** A task with `approval`: it waits, holding nothing, for the approver's answer; approved it is queued, rejected it fails. */
  private askApproval(i: number): void {
    const task = this.tasks[i]!;
    const s = this.states[i]!;
    s.state = 'awaiting';
    s.askedAt = this.now();
    const asked = s.abort = new AbortController();
    const message = this.options.masker.mask(renderTemplate(task.approval!, (ref) => this.values.valueOf(ref, task.env) ?? '') || `run ${task.id}?`);
    this.emit('task.waiting', i, { reason: 'approval', message });
    const answered = (decision: ApprovalDecision) => {
      if (s.state !== 'awaiting') return;
      s.abort = undefined;
      s.answeredAt = this.now();
      if (decision.approved) {
        s.approvedBy = decision.by ?? 'unknown';
        this.emit('task.approved', i, decision.by ? { by: decision.by } : {});
        this.enqueue(i);
      } else {
        s.errors.push({ attempt: 1, kind: 'rejected', message: rejectionMessage(decision) });
        this.failFinally(i, false);
      }
      this.pump();
    };
    // Asked under its id as events show it (masked), which is what `orchestrate approve` is given.
    askFor(this.options.approve ?? NO_APPROVER, { taskId: this.options.masker.mask(task.id), message, signal: asked.signal }, task.approvalTimeout, asked, answered);
  }

  /**
   * A task with `memoize` that is ready: its memo key, and whether a recorded
   * success with that key (young enough, its artifacts still there) gives its
   * outputs instead of a run.
   */
  private memoized(i: number): boolean {
    const task = this.tasks[i]!;
    const lookup = this.options.memo;
    if (!task.memoize || !lookup) return false;
    const s = this.states[i]!;
    const memo = this.lookups.memo(i)!;
    s.memoKey = memo.key;
    if (!memo.outputs) return false;
    s.outputs = memo.outputs;
    s.artifacts = memo.artifacts;
    replaySummary(this.launching, i, task, s, memo.summary);
    return true;
  }

  /**
   * A matrix from outputs whose needs have finished: its lists are read from
   * those outputs and its expansions join the run as tasks of their own
   * (each then queued, or skipped by its `when`); it ends when they have. A
   * list that cannot be read fails it; an empty one leaves nothing to do.
   */
  private expand(i: number): void {
    const group = this.tasks[i]!;
    const s = this.states[i]!;
    s.firstStart = this.now();
    const render = (text: string) => renderTemplate(text, (ref) => this.values.valueOf(ref, group.env) ?? '');
    const expanded = expansionsOf(group, render, (id) => this.workflow.taskIndex.has(id), (ref) => this.values.emptyReadNote(ref, true));
    if ('problem' in expanded) {
      s.errors.push({ attempt: 1, kind: 'invalid', message: `its matrix could not be expanded: ${expanded.problem}` });
      s.failureTainted = !group.continueOnError;
      return this.finish(i, 'failed', group.continueOnError ? 'allowed' : undefined);
    }
    const selected = this.options.expansionSelected;
    const children = selected ? expanded.children.filter((child) => selected(i, child.id)) : expanded.children;
    if (expanded.children.length && !children.length) {
      const ids = expanded.children.map((child) => child.id);
      s.errors.push({ attempt: 1, kind: 'invalid', message: `${ids.length === 1 ? 'its only expansion is not' : `none of its ${ids.length} expansions is`} among the tasks selected to run (it expanded to ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''})` });
      s.failureTainted = true;
      return this.finish(i, 'failed');
    }
    // It never runs itself: its expansions cost instead.
    this.ledger.estimate -= this.plannedCost(group);
    if (!children.length) return this.finish(i, 'succeeded', 'empty-matrix');
    s.state = 'expanded';
    s.expansions = [];
    this.remaining[i] = children.length;
    for (const child of children) {
      // Planned as the plan counts it when history knows it (what it took in an earlier run), the longest first under critical-path fairness.
      const estimate = (this.options.history?.get(child.id) ?? child.estimate) + (this.options.retryTimes?.get(child.id) ?? 0);
      const facts = { ...this.scheduling[i]!, estimate, rank: estimate + this.pathAfter.get(i)! };
      const c = this.queue.add(facts);
      this.scheduling.push(facts);
      this.workflow.tasks.push(child);
      this.workflow.taskIndex.set(child.id, c);
      this.states.push(freshState());
      this.remaining.push(0);
      this.graph.needs.push([...this.graph.needs[i]!]);
      this.graph.dependents.push([i]);
      this.graph.size++;
      this.ledger.estimate += this.plannedCost(child);
      this.open++;
      s.expansions.push(c);
      const reused = this.options.reusedExpansions?.get(child.id);
      if (reused) this.reused.set(c, reused);
    }
    for (const c of s.expansions) this.becomeReady(c);
  }

  /** A matrix from outputs whose expansions have all ended: it ends as they did. */
  private endExpansion(i: number): void {
    const group = this.tasks[i]!;
    const s = this.states[i]!;
    const end = groupEnd(s.expansions!.map((c) => this.states[c]!));
    if (end.status === 'failed') {
      s.errors.push(end.error!);
      s.failureTainted = !group.continueOnError;
      return this.finish(i, 'failed', group.continueOnError ? 'allowed' : undefined);
    }
    if (end.status === 'skipped') s.failureTainted = end.tainted ?? false;
    return this.finish(i, end.status, end.reason);
  }


  /** Starts every task the scheduling choice allows now. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      const gate = this.breakers.gate(this.capacity);
      for (let i = this.queue.take(gate); i !== undefined; i = this.queue.take(gate)) this.start(i);
    } finally {
      this.pumping = false;
    }
    this.rateWake.arm();
  }

  private start(i: number): void {
    const task = this.tasks[i]!;
    const s = this.states[i]!;
    const now = this.now();
    const deadline = this.deadlineOf(task);
    if (deadline !== undefined && now >= deadline) return this.finish(i, 'cancelled', 'workflow-timeout');
    const circuit = this.breakers.admit(this.scheduling[i]!, now);
    if (circuit === 'open') return this.failCircuitOpen(i);
    const cost = this.ledger.expected(task.baseId, task.cost);
    if (!this.ledger.admits(cost)) {
      if (s.attempts === 0) {
        this.ledger.budgetSkips++;
        return this.finish(i, 'skipped', 'budget');
      }
      // A final failure like any other (continueOnError, failFast, cascading and the circuit apply), and work left undone.
      s.errors.push({ attempt: s.attempts + 1, kind: 'budget', message: 'no budget left for another attempt' });
      this.ledger.refusedRetries++;
      return this.failFinally(i, true, 'budget');
    }
    this.capacity.acquire(this.scheduling[i]!);
    s.state = 'running';
    s.attempts++;
    s.reserved = cost;
    this.ledger.reserve(cost);
    s.queueWaitMs += now - s.readyAt;
    this.tally.started(i, now / 1000);
    s.firstStart ??= now;
    this.emit('task.started', i, { attempt: s.attempts, queueWaitMs: now - s.readyAt }, now);
    const timeLeft = deadline !== undefined ? Math.max(0, (deadline - now) / 1000) : undefined;
    void launchAttempt(this.launching, i, task, s, timeLeft).then((end) => this.attemptEnded(i, end));
  }

  /** The attempt's outcome (its artifacts and outputs checked), what it produced, and the fingerprint of its sources after a success. */
  private attemptEnded(i: number, { result: outcome, artifacts, sources }: AttemptEnd): void {
    const task = this.tasks[i]!;
    const s = this.states[i]!;
    this.queue.release(this.capacity.release(this.scheduling[i]!));
    const attemptCost = outcome.cost ?? task.cost;
    this.ledger.settle(s.reserved, attemptCost, outcome.cost !== undefined ? task.baseId : undefined);
    s.cost += attemptCost;
    s.reserved = 0;
    // The attempt's controllers go with it; a service that is up is still stopped through them.
    const controllers = { stop: s.abort, kill: s.kill };
    recordAttempt(s, outcome);
    if (artifacts) s.artifacts = artifacts;
    if (outcome.service) {
      this.services.attemptEnded(i, outcome.ok, controllers, outcome.service.exited, (end) => this.serviceEnded(i, end));
      s.serviceUp = outcome.ok;
    }
    if (outcome.ok) {
      // What it read, as it is now that it succeeded (a formatter changes its own sources): next time it may be up to date.
      s.sources = sources;
      this.breakers.record(this.scheduling[i]!, true, this.now());
      this.queue.release(this.breakers.freed(task.agent));
      this.finish(i, 'succeeded');
    } else if (s.cancelling) {
      this.finish(i, 'cancelled', s.cancelling);
    } else {
      const kind: FailureKind = outcome.kind ?? 'exit-code';
      const retryAfter = retryAfterSeconds(outcome.outputs, this.now());
      // An API's Retry-After holds its key, not one request: the agent's other tasks wait as long.
      const holds = task.agent !== undefined && retryAfter !== undefined;
      if (holds) this.capacity.hold(task.agent!, this.now() / 1000 + retryAfter);
      const next = afterFailure(task, { attempt: s.attempts, kind, exitCode: outcome.exitCode, retryAfter }, { stopping: this.stopping, now: this.now(), deadline: this.deadlineOf(task), seed: this.workflow.policy.seed });
      if (next.next === 'cancelled') {
        if (this.stopping === 'timeout') s.errors.push({ attempt: s.attempts, kind: 'workflow-timeout', message: 'terminated: the workflow timeout passed' });
        this.finish(i, 'cancelled', next.reason);
      } else {
        s.errors.push({ attempt: s.attempts, kind, message: outcome.message ?? 'failed' });
        if (next.next === 'retry') {
          this.emit('task.retrying', i, { attempt: s.attempts, reason: outcome.message, errorKind: kind, exitCode: outcome.exitCode, delayMs: Math.round(next.delaySeconds * 1000), durationMs: Math.round(outcome.durationMs), ...(holds ? { holds: task.agent } : {}), ...(outcome.tail.length ? { logTail: outcome.tail } : {}) });
          this.retryAfter(i, next.delaySeconds);
        } else {
          this.failFinally(i);
        }
      }
    }
    this.pump();
  }

  /**
   * The workflow deadline has passed: the run stops, unless all that is left
   * is cleanup the deadline does not bound (deadlineOf), which it would not
   * stop — the work was done in time, and the run is not failed for it.
   */
  private deadlinePassed(): void {
    const late = this.states.some((s, i) => this.included(i) && !FINAL.has(s.state) && this.deadlineOf(this.tasks[i]!) !== undefined);
    if (late) this.stop('timeout', `the workflow timeout of ${this.workflow.policy.timeout}s passed`);
  }

  /**
   * The workflow deadline as it bounds this task: not at all for cleanup that
   * runs on an interrupt (`runOnInterrupt`), which runs after the deadline as
   * after an interrupt (Argo's exit handler ignores the deadline), bounded by
   * its own timeout only.
   */
  private deadlineOf(task: TaskSpec): number | undefined {
    return task.runOnInterrupt ? undefined : this.deadline;
  }

  /** What the task is expected to cost, as the plan counts it: what a run of it cost in history, else its declared cost. */
  private plannedCost(task: TaskSpec): number {
    return this.options.costs?.get(task.id) ?? task.cost;
  }

  /** Queues the task again once its backoff has passed; it holds no slot meanwhile. */
  private retryAfter(i: number, delaySeconds: number): void {
    const s = this.states[i]!;
    s.state = 'backoff';
    s.backoffFrom = this.now();
    s.timer = setLongTimeout(() => {
      s.timer = undefined;
      if (this.stopping) return this.finish(i, 'cancelled', cancelReason(this.stopping));
      this.joinQueue(i);
      this.pump();
    }, delaySeconds * 1000);
  }

  /**
   * The task's last attempt failed (or it was rejected, or its circuit is
   * open: `reason`): it fails (or is allowed to), its agent's circuit counts
   * an attempt's failure, a cascade stops the run.
   */
  private failFinally(i: number, attempted = true, reason?: string): void {
    const task = this.tasks[i]!;
    const opened = attempted && this.breakers.record(this.scheduling[i]!, false, this.now());
    if (attempted) this.queue.release(this.breakers.freed(task.agent));
    this.states[i]!.failureTainted = !task.continueOnError;
    this.finish(i, 'failed', task.continueOnError ? 'allowed' : reason);
    if (opened) this.failOpenCircuit(task.agent!);
    if (!task.continueOnError && task.failFast) this.cancelSiblings(i);
    if (!task.continueOnError && this.workflow.policy.cancellation === 'cascading') this.stop('cascade', `task "${task.id}" failed and cancellation is cascading`);
  }

  /** `failFast`: the other expansions of a failed one's matrix that have not ended are cancelled, running ones terminated. */
  private cancelSiblings(i: number): void {
    const { baseId } = this.tasks[i]!;
    const siblings = new Set<number>();
    this.tasks.forEach((t, j) => {
      if (j !== i && t.baseId === baseId && !t.dynamicMatrix && this.included(j) && !FINAL.has(this.states[j]!.state)) siblings.add(j);
    });
    for (const j of this.queue.remove((t) => siblings.has(t))) this.finish(j, 'cancelled', 'fail-fast');
    for (const j of siblings) {
      const s = this.states[j]!;
      if (s.state === 'running') {
        s.cancelling = 'fail-fast';
        s.abort?.abort();
      } else if (s.state === 'backoff' || s.state === 'pending' || s.state === 'awaiting') {
        s.timer?.clear();
        s.timer = undefined;
        s.abort?.abort();
        this.finish(j, 'cancelled', 'fail-fast');
      }
    }
  }

  /** Queued tasks of an agent whose circuit just opened fail fast. */
  private failOpenCircuit(agent: string): void {
    for (const i of this.queue.remove((t) => this.tasks[t]!.agent === agent)) this.failCircuitOpen(i);
  }

  /** The task's agent's circuit is open: it fails without running, as any failure (`continueOnError` and cascading apply). */
  private failCircuitOpen(i: number): void {
    const s = this.states[i]!;
    s.errors.push({ attempt: s.attempts + 1, kind: 'circuit-open', message: `circuit open for agent "${this.tasks[i]!.agent}": not run` });
    this.failFinally(i, false, 'circuit-open');
  }

  private stop(mode: Stopping, reason: string): void {
    if (this.stopping === 'interrupt' || this.stopping === mode) return;
    this.stopping = mode;
    this.reasons.push(reason);
    const keep = (i: number) => !this.killed && runsWhileStopping(this.tasks[i]!, mode);
    for (const i of this.queue.remove((t) => !keep(t))) this.finish(i, 'cancelled', cancelReason(mode));
    this.states.forEach((s, i) => {
      if (s.state === 'running' && !keep(i)) s.abort?.abort();
      if (s.state === 'backoff' && s.timer) {
        s.timer.clear();
        s.timer = undefined;
        this.finish(i, 'cancelled', cancelReason(mode));
      }
      if (s.state === 'awaiting' && !keep(i)) {
        s.abort?.abort();
        this.finish(i, 'cancelled', cancelReason(mode));
      }
    });
  }

  /** The tasks that have not ended and run on an interrupt (`runOnInterrupt`), as events show their ids. */
  runOnInterrupt(): string[] {
    const ids: string[] = [];
    this.states.forEach((s, i) => {
      if (this.included(i) && this.tasks[i]!.runOnInterrupt && !FINAL.has(s.state)) ids.push(this.options.masker.mask(this.tasks[i]!.id));
    });
    return ids;
  }

  /** Kills every running task at once and starts nothing more (second Ctrl-C), what runs on an interrupt included. */
  killNow(): void {
    const interrupted = this.stopping === 'interrupt';
    this.killed = true;
    this.stopping = undefined;
    this.stop('interrupt', 'interrupted');
    // Said once: the first Ctrl-C gave the reason already.
    if (interrupted) this.reasons.pop();
    for (const s of this.states) s.kill?.abort();
    this.services.killAll();
  }

  private finish(i: number, status: TaskStatus, reason?: string): void {
    const s = this.states[i]!;
    if (FINAL.has(s.state)) return;
    s.state = status;
    s.reason = reason;
    s.end = this.now();
    endBackoff(s, s.end);
    if (status === 'cancelled') s.failureTainted = true;
    // A trial that ended without an outcome (cancelled, not started) lets the agent's next task be the trial.
    this.queue.release(this.breakers.ended(this.scheduling[i]!));
    this.emit(`task.${status}`, i, endEventFields(s, status, reason));
    // Pushed last to first, so the first is readied first, and what it readies before the next.
    const dependents = this.graph.dependents[i]!;
    for (let k = dependents.length - 1; k >= 0; k--) {
      const d = dependents[k]!;
      if (this.included(d) && --this.remaining[d]! === 0) this.readyNext.push(d);
    }
    // A service is stopped once every task that needs it has ended (at once if none will run).
    if (this.services.any) {
      this.stopIfIdle(i);
      for (const n of this.graph.needs[i]!) this.stopIfIdle(n);
    }
    if (--this.open === 0) this.done();
    this.readyWaiting();
  }

  /** Readies the tasks whose needs have ended; one already doing so (further up the stack) readies those it adds. */
  private readyWaiting(): void {
    if (this.readying) return;
    this.readying = true;
    try {
      for (let d = this.readyNext.pop(); d !== undefined; d = this.readyNext.pop()) this.becomeReady(d);
    } finally {
      this.readying = false;
    }
  }

  /** The process of a service that was up has ended (stopped, killed, or on its own). */
  private serviceEnded(i: number, end: ServiceEnd): void {
    const s = this.states[i]!;
    this.emit('task.stopped', i, { attempt: s.attempts, durationMs: this.now() - (s.firstStart ?? this.now()), reason: end.how, ...(end.how === 'exited' ? { exitCode: end.exitCode } : {}) });
  }

  /** Stops service `n`, if it is up, when no task that needs it can still run. */
  private stopIfIdle(n: number): void {
    this.services.stopIfIdle(n, () => this.graph.dependents[n]!.some((d) => this.included(d) && !FINAL.has(this.states[d]!.state)));
  }

  private result(): RunResult {
    const end = this.now();
    const result = buildRunResult({
      workflow: this.workflow,
      runId: this.options.runId,
      runDir: this.options.runDir,
      states: this.states,
      included: this.included,
      startedAt: this.startedAt,
      finishedAt: end,
      stopping: this.stopping,
      budgetSkips: this.ledger.budgetSkips,
      refusedRetries: this.ledger.refusedRetries,
      reasons: this.reasons,
      waits: limitWaits(this.tally.waits, this.capacity.limits, this.scheduling, this.tasks.map((t) => t.id)),
      costEstimate: this.ledger.estimate,
      spent: this.ledger.spent,
    });
    this.emit('workflow.finished', undefined, { workflow: this.workflow.name, status: result.status, durationMs: end - this.startedAt, serialMs: Math.round(result.metrics.serialTime * 1000), ...(result.metrics.approvalWaitTime > 0 ? { approvalWaitMs: Math.round(result.metrics.approvalWaitTime * 1000) } : {}), cost: result.metrics.costSpent, ...(result.waits.length ? { waits: result.waits } : {}) });
    return this.options.masker.maskDeep(result);
  }
}

