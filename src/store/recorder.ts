import { hostname } from 'node:os';
import type { RunEvent } from '../telemetry/events.js';
import { definitionHashes, expansionHash } from '../workflow/definition-hash.js';
import type { Workflow } from '../workflow/model.js';
import type { Database } from './open-store.js';
import type { WaitingNow } from '../plan/waits.js';
import type { StoredWait, TaskSelection } from './queries.js';

export interface RunMeta {
  runId: string;
  file: string;
  contentHash: string;
  concurrency: number;
  resumedFrom?: string;
  /** How the run chose its tasks. */
  selection?: TaskSelection;
}

/** The events that end an attempt (which its start's row is updated with). */
const ENDS_ATTEMPT = new Set<RunEvent['type']>(['task.retrying', 'task.succeeded', 'task.failed', 'task.skipped', 'task.cancelled']);

/** An attempt of a task, as events name it. */
const attemptKey = (e: RunEvent) => `${e.attempt ?? 0}\u0000${e.taskId ?? ''}`;

/** How long queued/started/heartbeat events may wait to be written together. */
const FLUSH_MS = 100;

/**
 * Writes a run into the store as it goes, in small transactions, so that a
 * runner killed at any moment leaves a consistent history: the task ends of
 * one tick (e.g. a batch of exit reports) are written together before the
 * tick is over, and so before any process of their dependents is started;
 * other events within 100 ms. Events arrive already masked, and what it
 * takes from the workflow (needs) it masks, so no secret reaches the database.
 */
export class RunRecorder {
  private seq = 0;
  private readonly hashes: Map<string, string>;
  private readonly agents = new Map<string, string | null>();
  private readonly needs = new Map<string, readonly string[]>();
  /** The cost each task declares an attempt (its own, else its agent's). */
  private readonly declared = new Map<string, number>();
  private readonly statements;

  /** @param masker the run's: a task's needs are ids, which may hold a secret value (a matrix from an input that looks secret) */
  constructor(db: Database, private readonly workflow: Workflow, private readonly meta: RunMeta, private readonly masker?: { mask(text: string): string }) {
    this.hashes = new Map(definitionHashes(workflow));
    for (const task of workflow.tasks) {
      this.agents.set(task.id, task.agent ?? null);
      this.needs.set(task.id, task.needs);
      this.declared.set(task.id, task.cost);
    }
    this.statements = {
      event: db.prepare('INSERT INTO events (run_id, seq, event) VALUES (?, ?, ?)'),
      run: db.prepare(`INSERT INTO runs (id, workflow, file, content_hash, started_at, concurrency, resumed_from, runner_pid, runner_host, runner_started, inputs, selection)
        VALUES (@id, @workflow, @file, @contentHash, @startedAt, @concurrency, @resumedFrom, @pid, @host, @processStarted, @inputs, @selection)`),
      finish: db.prepare('UPDATE runs SET finished_at = ?, status = ?, wall_time = ?, serial_time = ?, cost = ?, waits = NULL WHERE id = ?'),
      waits: db.prepare('UPDATE runs SET waits = ? WHERE id = ?'),
      attempt: db.prepare(`INSERT OR REPLACE INTO attempts (run_id, task_id, definition_hash, attempt, agent, status, started_at, queue_wait_ms)
        VALUES (?, ?, ?, ?, ?, 'running', ?, ?)`),
      wholeAttempt: db.prepare(`INSERT OR REPLACE INTO attempts (run_id, task_id, definition_hash, attempt, agent, status, started_at, queue_wait_ms,
        finished_at, duration_ms, exit_code, cost, error_kind, error_message, tail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      endAttempt: db.prepare(`UPDATE attempts SET status = @status, finished_at = @ts,
        duration_ms = (julianday(@ts) - julianday(started_at)) * 86400000.0,
        exit_code = @exitCode, cost = @cost, error_kind = @kind, error_message = @message, tail = @tail
        WHERE run_id = @runId AND task_id = @taskId AND attempt = @attempt AND status = 'running'`),
      task: db.prepare(`INSERT OR REPLACE INTO tasks (run_id, task_id, definition_hash, agent, status, reason, attempts, duration_ms, queue_wait_ms, cost, outputs, finished_at, needs, sources_hash, memo_key, summary, declared_cost)
        VALUES (@runId, @taskId, @hash, @agent, @status, @reason, @attempts, @durationMs, @queueWaitMs, @cost, @outputs, @ts, @needs, @sources, @memoKey, @summary, @declaredCost)`),
    };
    this.writeAll = db.transaction((events: RunEvent[]) => {
      // An attempt that starts and ends in this batch (most short tasks) is written once, whole, not inserted and then updated.
      const endsHere = new Set<string>();
      for (const event of events) if (ENDS_ATTEMPT.has(event.type)) endsHere.add(attemptKey(event));
      const startedHere = new Map<string, RunEvent>();
      for (const event of events) {
        this.apply(event, endsHere, startedHere);
        this.statements.event.run(this.meta.runId, this.seq++, JSON.stringify(event));
      }
    });
  }

  private pending: RunEvent[] = [];
  private timer?: NodeJS.Timeout;
  private endOfTick = false;
  private readonly writeAll: (events: RunEvent[]) => void;

  onEvent(event: RunEvent): void {
    this.pending.push(event);
    if (event.type === 'task.queued' || event.type === 'task.started' || event.type === 'task.heartbeat') {
      this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
    } else if (event.type === 'workflow.finished') {
      this.flush();
    } else if (!this.endOfTick) {
      // Queued before the spawn requests of the tasks this end makes ready (nextTick is first in, first out).
      this.endOfTick = true;
      process.nextTick(() => {
        this.endOfTick = false;
        this.flush();
      });
    }
  }

  /** Why the history could not be written (a full disk); the run goes on without it from then on. */
  failure?: string;

  /** The waits last written (JSON), so that only a change is written. */
  private waitsWritten: string | null = null;

  /**
   * What the ready tasks wait for now, for `status` to show while the run
   * goes (the limit, how many, and when a rate window or a Retry-After
   * frees): written when it changed; the run's end clears it.
   */
  recordWaits(waits: ReadonlyArray<WaitingNow & { tasks: number }>): void {
    if (this.failure) return;
    const stored: StoredWait[] = waits.map(({ limit, name, capacity, per, tasks, freesAt }) => ({
      limit, name: name === null ? null : this.masker?.mask(name) ?? name, tasks,
      ...(capacity !== undefined ? { capacity } : {}), ...(per !== undefined ? { per } : {}), ...(freesAt !== undefined ? { freesAt } : {}),
    }));
    const json = stored.length ? JSON.stringify(stored) : null;
    if (json === this.waitsWritten) return;
    try {
      this.statements.waits.run(json, this.meta.runId);
      this.waitsWritten = json;
    } catch (error) {
      this.failure = (error as Error).message;
    }
  }

  /** Writes every pending event in one transaction. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const events = this.pending;
    this.pending = [];
    if (this.failure) return;
    try {
      this.writeAll(events);
    } catch (error) {
      this.failure = (error as Error).message;
    }
  }

  /** The run's selection as JSON; none when a word of it holds a secret's value. */
  private keptSelection(): string | null {
    const selection = this.meta.selection ?? {};
    const words = [...(selection.tasks ?? []), selection.only, selection.since, selection.config].filter((w): w is string => w !== undefined);
    return words.some((w) => this.masker && this.masker.mask(w) !== w) ? null : JSON.stringify(selection);
  }

  /**
   * The inputs to record, from the (masked) event: a value that masking
   * changed held a secret and is recorded as null (--resume asks for it again).
   */
  private keptInputs(masked: Record<string, string> | undefined): string | null {
    const inputs = this.workflow.inputs ?? {};
    if (!Object.keys(inputs).length) return null;
    return JSON.stringify(Object.fromEntries(Object.entries(inputs).map(([name, value]) => [name, masked?.[name] === value ? value : null])));
  }

  /**
   * An expansion of a matrix from outputs joins during the run (`review[a.ts]`): it is recorded with
   * its task's agent and needs, and its expansion hash.
   */
  private learnExpansion(id: string): void {
    const bracket = id.indexOf('[');
    const group = bracket < 0 ? undefined : this.workflow.taskIndex.get(id.slice(0, bracket));
    if (group === undefined) return;
    const task = this.workflow.tasks[group]!;
    this.hashes.set(id, expansionHash(this.hashes.get(task.id)!, id));
    this.agents.set(id, task.agent ?? null);
    this.needs.set(id, task.needs);
    this.declared.set(id, task.cost);
  }

  /** A task's needs as recorded: JSON, each id masked. */
  private needsOf(taskId: string): string {
    const needs = this.needs.get(taskId) ?? [];
    return JSON.stringify(this.masker ? needs.map((id) => this.masker!.mask(id)) : needs);
  }

  /** @param endsHere the attempts that end in this batch; @param startedHere the starts of those, kept to be written with their ends */
  private apply(e: RunEvent, endsHere: ReadonlySet<string>, startedHere: Map<string, RunEvent>): void {
    const taskId = e.taskId ?? '';
    if (!this.agents.has(taskId)) this.learnExpansion(taskId);
    const end = (status: string) => {
      const message = status === 'succeeded' ? null : e.reason ?? null;
      const tail = e.logTail?.length ? JSON.stringify(e.logTail) : null;
      const start = startedHere.get(attemptKey(e));
      if (!start) {
        this.statements.endAttempt.run({
          status, ts: e.ts, exitCode: e.exitCode ?? null, cost: e.cost ?? null, kind: e.errorKind ?? null, message, tail, runId: this.meta.runId, taskId, attempt: e.attempt ?? 0,
        });
        return;
      }
      this.statements.wholeAttempt.run(this.meta.runId, taskId, this.hashes.get(taskId) ?? '', start.attempt ?? 1, this.agents.get(taskId) ?? null, status, start.ts,
        start.queueWaitMs ?? 0, e.ts, Date.parse(e.ts) - Date.parse(start.ts), e.exitCode ?? null, e.cost ?? null, e.errorKind ?? null, message, tail);
    };
    switch (e.type) {
      case 'workflow.started':
        this.statements.run.run({
          id: this.meta.runId, workflow: e.workflow, file: this.meta.file, contentHash: this.meta.contentHash, startedAt: e.ts,
          concurrency: this.meta.concurrency, resumedFrom: this.meta.resumedFrom ?? null, pid: process.pid, host: hostname(),
          processStarted: Date.now() - process.uptime() * 1000, inputs: this.keptInputs(e.inputs), selection: this.keptSelection(),
        });
        break;
      case 'task.started': {
        const key = attemptKey(e);
        if (endsHere.has(key)) startedHere.set(key, e);
        else this.statements.attempt.run(this.meta.runId, taskId, this.hashes.get(taskId) ?? '', e.attempt ?? 1, this.agents.get(taskId) ?? null, e.ts, e.queueWaitMs ?? 0);
        break;
      }
      case 'task.retrying':
        end('failed');
        break;
      case 'task.succeeded':
      case 'task.failed':
      case 'task.skipped':
      case 'task.cancelled': {
        const status = e.type.slice(5);
        end(status === 'skipped' ? 'cancelled' : status);
        this.statements.task.run({
          runId: this.meta.runId, taskId, hash: this.hashes.get(taskId) ?? '', agent: this.agents.get(taskId) ?? null, status, reason: e.reason ?? null,
          attempts: e.attempt ?? 0, durationMs: e.durationMs ?? null, queueWaitMs: e.queueWaitMs ?? null, cost: e.cost ?? 0,
          outputs: JSON.stringify(e.outputs ?? {}), ts: e.ts, needs: this.needsOf(taskId), sources: e.sources ?? null,
          memoKey: e.memoKey ?? null, summary: e.summary ?? null, declaredCost: this.declared.get(taskId) ?? null,
        });
        break;
      }
      case 'workflow.finished':
        this.statements.finish.run(e.ts, e.status ?? null, (e.durationMs ?? 0) / 1000, e.serialMs === undefined ? null : e.serialMs / 1000, e.cost ?? 0, this.meta.runId);
        break;
      default:
        break;
    }
  }
}
