import { Listr, type ListrTaskWrapper } from 'listr2';
import { visibleText } from '../util/visible-text.js';
import { fitWidth, textWidth } from '../util/fit-width.js';
import { formatDuration } from '../util/duration.js';
import type { RunEvent } from '../telemetry/events.js';
import { approvalHint, heldAgent, serviceEnd } from '../report/simple-renderer.js';
import { waitingNowText } from '../report/waits-text.js';
import type { WaitingNow } from '../plan/waits.js';
import { roundCost } from '../util/round-cost.js';

interface Lane {
  taskId?: string;
  attempt: number;
  since: number;
  wrapper?: ListrTaskWrapper<unknown, any, any>;
}

const REFRESH_MS = 100;
/** Terminal rows kept for the progress line, its notes and the line the summary starts on. */
const OTHER_ROWS = 7;
/** Columns Listr2 takes beside a task's title (its icon, a space, a margin) and beside an output line (its indentation and `›`). */
const TITLE_MARGIN = 4;
const NOTE_MARGIN = 6;
/** The fewest columns a task id or a note is cut to, however narrow the terminal (its row wraps then). */
const MIN_ID_WIDTH = 12;
/** The fewest columns worth showing of a task's last line in its lane; and how often its log is read for it. */
const MIN_LINE_WIDTH = 10;
const LAST_LINE_MS = 500;

/** The width Listr2 draws to: the terminal's, as it reports it now (a window can be resized). */
function terminalWidth(): number {
  return process.stdout.columns || 80;
}

/**
 * Live progress in a terminal with Listr2: one Listr task per concurrency
 * slot ("lane") showing what runs there, with elapsed time and attempt,
 * plus a progress line with the counts. Titles refresh from one timer, so
 * the cost does not grow with the number of tasks (Listr2 redraws every task
 * on every change, which is unusable with thousands of tasks).
 */
export class LanesRenderer {
  private readonly lanes: Lane[];
  private readonly laneOf = new Map<string, number>();
  /** Tasks running beyond the lanes the terminal has room for, in start order: each takes the next lane that frees. */
  private readonly unshown = new Map<string, { attempt: number; since: number }>();
  private readonly counts = { succeeded: 0, failed: 0, skipped: 0, cancelled: 0, retrying: 0 };
  /** What the ended tasks cost together (reported, else declared). */
  private spent = 0;
  /** Tasks waiting for approval. */
  private readonly awaiting = new Set<string>();
  /** Tasks ready and not running: queued for room under a limit, or waiting out a retry's backoff. */
  private readonly waiting = new Set<string>();
  private total = 0;
  private readonly seen = new Set<string>();
  private finished!: () => void;
  private readonly over = new Promise<void>((resolve) => {
    this.finished = resolve;
  });
  private timer?: NodeJS.Timeout;
  private listr?: Promise<unknown>;
  private drawing?: Listr<unknown, any, any>;
  private progress?: ListrTaskWrapper<unknown, any, any>;
  /** The last notes: a mark, the task's id and what happened, put together as wide as the terminal is when drawn. */
  private readonly recent: { mark: string; id: string; what: string }[] = [];
  private closed = false;
  /**
   * The streams' own writes: while Listr2 draws, it takes `process.stdout.write` and `process.stderr.write` over
   * and keeps what is written until it has done.
   */
  private readonly toTerminal = process.stdout.write.bind(process.stdout);
  private readonly toStderr = process.stderr.write.bind(process.stderr);

  /**
   * One lane per slot, as many as fit in a terminal of `rows` rows: more would
   * scroll away, and Listr2 redraws every lane whenever one changes (200 lanes
   * cost 12 s of CPU where 400 tasks needed 1).
   * @param waitsNow what the ready tasks wait for now (the engine's `waits.all`), each limit with how many: idle slots name it
   * @param lastLine the last line a running task has printed (from its log), shown after its time where the row has room
   */
  /** Each running task's last line printed, as last read, and when (ms): read again every LAST_LINE_MS. */
  private readonly lastLines = new Map<string, { line?: string; at: number }>();

  constructor(slots: number, rows = 24, private readonly waitsNow?: () => Array<WaitingNow & { tasks: number }>, private readonly lastLine?: (taskId: string) => string | undefined) {
    const lanes = Math.max(1, Math.min(slots, rows - OTHER_ROWS));
    this.lanes = Array.from({ length: lanes }, () => ({ attempt: 0, since: 0 }));
  }

  onEvent(event: RunEvent): void {
    const id = event.taskId;
    // Expansions of a matrix from outputs join the run as it goes: the total grows with them.
    if (id !== undefined && !this.seen.has(id)) {
      this.seen.add(id);
      this.total = Math.max(this.total, this.seen.size);
    }
    switch (event.type) {
      case 'workflow.started':
        this.total = Math.max(event.tasks ?? 0, this.seen.size);
        break;
      case 'task.queued':
        if (id !== undefined) this.waiting.add(id);
        break;
      case 'task.started': {
        if (id === undefined) break;
        this.waiting.delete(id);
        const free = this.lanes.findIndex((l) => l.taskId === undefined);
        if (free === -1) this.unshown.set(id, { attempt: event.attempt ?? 1, since: Date.now() });
        else this.show(free, id, event.attempt ?? 1, Date.now());
        break;
      }
      case 'task.waiting':
        if (id !== undefined) this.awaiting.add(id);
        this.note('⏸', id, ` waits for approval: ${visibleText(event.message ?? '')} (${approvalHint(id ?? '')})`);
        break;
      case 'task.approved':
        this.awaiting.delete(id!);
        break;
      case 'task.retrying':
        this.counts.retrying++;
        this.note('↻', id, ` attempt ${event.attempt} failed: ${event.reason}${heldAgent(event)}`);
        this.freeLane(id);
        if (id !== undefined) this.waiting.add(id);
        break;
      case 'task.succeeded':
      case 'task.failed':
      case 'task.skipped':
      case 'task.cancelled': {
        const status = event.type.slice(5) as keyof typeof this.counts;
        this.counts[status]++;
        this.spent += event.cost ?? 0;
        if (event.type === 'task.failed') this.note('✖', id, `: ${event.reason}`);
        // A skip a condition chose says nothing; one for a value that was never there says why.
        if (event.type === 'task.skipped' && event.message) this.note('↷', id, ` skipped (${event.reason}): ${visibleText(event.message)}`);
        this.awaiting.delete(id!);
        this.waiting.delete(id!);
        this.freeLane(id);
        break;
      }
      case 'task.stopped':
        // Stopped by the run is what a service is for; ending on its own may fail the tasks using it.
        if (event.reason === 'exited') this.note('✖', id, `: ${serviceEnd(event)}`);
        break;
      case 'workflow.finished':
        break;
      default:
        break;
    }
  }

  private note(mark: string, id: string | undefined, what: string): void {
    this.recent.push({ mark, id: id ?? '', what });
    if (this.recent.length > 3) this.recent.shift();
  }

  private show(lane: number, id: string, attempt: number, since: number): void {
    this.lanes[lane] = { ...this.lanes[lane], taskId: id, attempt, since };
    this.laneOf.set(id, lane);
  }

  private freeLane(id: string | undefined): void {
    if (id === undefined) return;
    this.unshown.delete(id);
    this.lastLines.delete(id);
    const lane = this.laneOf.get(id);
    if (lane === undefined) return;
    this.laneOf.delete(id);
    this.lanes[lane] = { attempt: 0, since: 0, wrapper: this.lanes[lane]!.wrapper };
    // The longest-running task not shown takes the lane.
    const next = this.unshown.entries().next();
    if (next.done) return;
    const [waiting, { attempt, since }] = next.value;
    this.unshown.delete(waiting);
    this.show(lane, waiting, attempt, since);
  }

  /** The last line `id` has printed, read from its log at most every LAST_LINE_MS (a log may grow by megabytes a second). */
  private lastLineOf(id: string, now: number): string | undefined {
    if (!this.lastLine) return undefined;
    const known = this.lastLines.get(id);
    if (known && now - known.at < LAST_LINE_MS) return known.line;
    const line = this.lastLine(id);
    this.lastLines.set(id, { line, at: now });
    return line;
  }

  private refresh(): void {
    if (this.closed) return;
    const now = Date.now();
    const width = terminalWidth();
    // Idle slots beside ready tasks say what holds those back: the first idle slot the limit most wait for, and so on.
    const held = this.waiting.size && this.waitsNow && this.lanes.some((l) => l.wrapper && l.taskId === undefined) ? this.waitsNow() : [];
    let idle = 0;
    this.lanes.forEach((lane, i) => {
      if (!lane.wrapper) return;
      if (lane.taskId === undefined) {
        const wait = held[idle++];
        const why = wait ? `; ${wait.tasks} waiting for ${waitingNowText(wait)}` : '';
        lane.wrapper.title = fitWidth(`slot ${i + 1}: idle${why}`, Math.max(MIN_ID_WIDTH, width - TITLE_MARGIN));
        return;
      }
      const slot = `slot ${i + 1}: `;
      const time = `  ${formatDuration((now - lane.since) / 1000)}${lane.attempt > 1 ? `  attempt ${lane.attempt}` : ''}`;
      // One row a lane, or the lanes the terminal has rows for would not fit: a long id is cut in its middle.
      const head = `${slot}${fitWidth(lane.taskId, Math.max(MIN_ID_WIDTH, width - TITLE_MARGIN - slot.length - time.length), 'middle')}${time}`;
      // What it printed last, in the room the row has left: what a long agent or build is doing now.
      const room = width - TITLE_MARGIN - textWidth(head) - 4;
      const last = room >= MIN_LINE_WIDTH ? this.lastLineOf(lane.taskId, now) : undefined;
      lane.wrapper.title = last === undefined ? head : `${head}  | ${fitWidth(last, room)}`;
    });
    if (this.progress) {
      this.progress.title = this.progressTitle(width);
      // One row a note: an id too long for what follows it is cut in its middle, then what follows at its end.
      this.progress.output = this.recent.map(({ mark, id, what }) => {
        const room = width - NOTE_MARGIN;
        const shownId = fitWidth(id, Math.max(MIN_ID_WIDTH, room - textWidth(`${mark} ${what}`)), 'middle');
        return fitWidth(`${mark} ${shownId}${what}`, Math.max(MIN_ID_WIDTH, room));
      }).join('\n');
    }
  }

  /**
   * The line of counts, on one row of `width` columns as the lanes are: where
   * the whole line does not fit, the counts that are 0 are left out, and what
   * still does not fit is cut at its end.
   */
  private progressTitle(width: number): string {
    const { succeeded, failed, skipped, cancelled, retrying } = this.counts;
    const done = succeeded + failed + skipped + cancelled;
    const more = (this.unshown.size ? `; ${this.unshown.size} more running than shown` : '') + (this.waiting.size ? `; ${this.waiting.size} waiting` : '') + (this.awaiting.size ? `; ${this.awaiting.size} awaiting approval` : '')
      + (this.spent > 0 ? `; ${roundCost(this.spent)} spent` : '');
    const counts: Array<[number, string]> = [[succeeded, 'ok'], [failed, 'failed'], [skipped, 'skipped'], [cancelled, 'cancelled'], [retrying, retrying === 1 ? 'retry' : 'retries']];
    const line = (shown: Array<[number, string]>) => `${done}/${this.total} done: ${shown.map(([n, what]) => `${n} ${what}`).join(', ')}${more}`;
    const room = width - TITLE_MARGIN;
    const whole = line(counts);
    if (textWidth(whole) <= room) return whole;
    return fitWidth(line(counts.filter(([n], i) => n > 0 || i === 0)), Math.max(MIN_ID_WIDTH, room));
  }

  start(): void {
    const wait = () => this.over;
    const listr = new Listr([
      {
        title: 'progress',
        task: async (_ctx, task) => {
          this.progress = task;
          await wait();
          // The last look of the progress line has the final counts (a run shorter than one refresh
          // has no other) and says how the run went: ✖ with failures, ↓ when cancelled.
          task.title = this.progressTitle(terminalWidth());
          if (this.counts.failed) throw new Error(task.title);
          if (this.counts.cancelled) task.skip(task.title);
        },
      },
      // Titled as refresh() titles them: a lane Listr starts after the last refresh keeps this one.
      ...this.lanes.map((lane, i) => ({
        title: `slot ${i + 1}: idle`,
        task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, any, any>) => {
          lane.wrapper = task;
          await wait();
          // A lane says what runs in its slot: once the run is over it leaves the screen (a task without a title draws
          // no line), and the progress line stays with the final counts, not a column of idle slots above the summary.
          task.task.title = undefined;
        },
      })),
    ], {
      // Listr must not be a second limiter: every lane runs at once.
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      rendererOptions: { collapseSubtasks: false, showTimer: false, outputBar: 3, persistentOutput: false },
    });
    this.drawing = listr;
    this.listr = listr.run().catch(() => undefined);
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
  }

  /**
   * The run is suspended (Ctrl-Z): the shell's prompt gets its cursor back, which Listr2 hides while it draws.
   * Listr2 redraws by erasing as many lines as it drew last, and after `fg` the lines above the cursor are
   * the shell's ("Stopped", the `fg` line): its line updater forgets what it drew, so drawing goes on below them.
   */
  suspended(): void {
    if (!this.timer || this.closed) return;
    this.toTerminal('\x1b[?25h');
    forgetDrawnLines(this.drawing);
  }

  /**
   * A line on stderr for the person at the terminal now (`SIGINT received, stopping`): written through Listr2, it
   * would come only once the run has ended. In the terminal the lanes are erased, the line takes their place
   * (the `^C` the terminal echoed goes with them), and they are drawn again below it.
   */
  announce(text: string): void {
    if (!this.timer || this.closed) {
      process.stderr.write(text);
      return;
    }
    if (!process.stderr.isTTY) {
      this.toStderr(text);
      return;
    }
    eraseDrawnLines(this.drawing);
    this.toStderr(text.replace(/^\n/, ''));
  }

  /** The run goes on (fg, bg): the cursor is hidden again while the lanes are drawn. */
  continued(): void {
    if (this.timer && !this.closed) this.toTerminal('\x1b[?25l');
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.refresh();
    // Listr2 must not be written to once its tasks have completed.
    this.closed = true;
    this.finished();
    await this.listr;
  }
}

/**
 * The line updater (log-update) of Listr2 9's default renderer, which Listr2 does not expose: with a Listr2
 * that has none, the two functions below do nothing, and the next frame is drawn over the last as before.
 */
function lineUpdater(listr: Listr<unknown, any, any> | undefined): { done?: () => void; clear?: () => void } | undefined {
  return (listr as unknown as { renderer?: { updater?: { done?: () => void; clear?: () => void } } } | undefined)?.renderer?.updater;
}

/** Makes Listr2 draw its next frame below the cursor instead of over the lines it drew last. */
function forgetDrawnLines(listr: Listr<unknown, any, any> | undefined): void {
  const updater = lineUpdater(listr);
  if (typeof updater?.done === 'function') updater.done();
}

/** Erases the lines Listr2 drew last, leaving the cursor where they began: its next frame is drawn there. */
function eraseDrawnLines(listr: Listr<unknown, any, any> | undefined): void {
  const updater = lineUpdater(listr);
  if (typeof updater?.clear === 'function') updater.clear();
}
