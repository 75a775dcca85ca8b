import { join } from 'node:path';
import { formatEventLine } from '../report/simple-renderer.js';
import { QUIET_HEARTBEATS, StillRunning } from '../report/still-running.js';
import type { RunEvent } from '../telemetry/events.js';
import type { WaitsNow } from '../run/waits-now.js';
import { waitingNowText } from '../report/waits-text.js';
import type { LanesRenderer } from './lanes-renderer.js';
import { GroupedOutput } from './grouped-output.js';
import { lineWriter } from './line-writer.js';
import { useColor } from '../report/colors.js';
import { taskPrefix } from '../report/task-prefix.js';
import { taskLogName } from '../run/file-names.js';
import { lastPrintedLine } from './last-printed-line.js';

/** Whether a CI system runs this (`CI` set, and not to false). */
export function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

function isInteractive(): boolean {
  // A terminal that reports no width (some container and CI pseudo-terminals) would get one
  // character per line from Listr2: it gets plain lines. So does one that cannot move the cursor
  // (TERM=dumb: Emacs' shell buffers), which would show every redraw.
  return Boolean(process.stdout.isTTY) && !inCi() && (process.stdout.columns ?? 0) > 0 && process.env.TERM !== 'dumb';
}

export interface RunConsoleOptions {
  renderer: 'default' | 'simple' | 'silent';
  logs?: 'failed' | 'all' | 'grouped';
  /** Stdout carries JSON (`--json`, `--events -`): no progress there. */
  quiet: boolean;
  /** Every task is approved (`--yes`): no question to show. */
  yes: boolean;
  concurrency: number;
  /** Seconds between heartbeats: plain progress says what runs after a few quiet ones. */
  heartbeat: number;
  /** What the ready tasks wait for now (the engine's), asked only once the run has started. */
  waits?: () => Pick<WaitsNow, 'of' | 'all'>;
  /** The run's directory, where its tasks' logs are: the live lanes show each running task's last line. */
  runDir?: string;
}

/** What a run shows on the console while it goes. */
export interface RunConsole {
  /** Told every event, in order. */
  listeners: Array<(event: RunEvent) => void>;
  /** Told every line of a task's output that is shown (`--logs all` or `grouped`). */
  onOutput?: (taskId: string, line: string) => void;
  /** The live progress, in a terminal. */
  lanes?: LanesRenderer;
}

/**
 * The console of a run: live lanes in a terminal (Listr2, loaded only
 * then), else a plain line per event; task output as `--logs` says, after
 * the lines of progress or on stderr when stdout carries JSON; and with no
 * progress shown, a task's question for approval on stderr.
 */
export async function runConsole(options: RunConsoleOptions): Promise<RunConsole> {
  const listeners: RunConsole['listeners'] = [];
  const outputShown = options.logs === 'all' || options.logs === 'grouped';
  // Plain progress says what is running when it has been quiet a while; any line on stdout counts.
  const stillRunning = new StillRunning(QUIET_HEARTBEATS * options.heartbeat * 1000);
  const writeStdout = lineWriter(process.stdout);
  const printLine = (line: string) => {
    stillRunning.printed(Date.now());
    writeStdout(line);
  };
  // Task output goes where the event lines go, or to stderr when stdout carries JSON.
  const printOutput = outputShown ? (options.quiet ? lineWriter(process.stderr) : printLine) : undefined;
  // Each task's prefix in a colour of its own where the lines go to a terminal.
  const color = useColor(options.quiet ? process.stderr : process.stdout);
  const grouped = options.logs === 'grouped' ? new GroupedOutput(printOutput!, color) : undefined;
  // Before the event lines: a task's output comes just before the line that says how it ended.
  if (grouped) listeners.push((event) => grouped.onEvent(event));
  let lanes: LanesRenderer | undefined;
  if (!options.quiet && options.renderer !== 'silent') {
    // Task output between the lines of live progress would be overdrawn: --logs all and grouped get plain lines.
    if (options.renderer === 'default' && isInteractive() && !outputShown) {
      const { LanesRenderer: Lanes } = await import('./lanes-renderer.js');
      const runDir = options.runDir;
      const lastLine = runDir === undefined ? undefined : (id: string) => lastPrintedLine(join(runDir, taskLogName(id)));
      const shown = new Lanes(options.concurrency, process.stdout.rows, () => options.waits?.().all() ?? [], lastLine);
      listeners.push((event) => shown.onEvent(event));
      lanes = shown;
    } else {
      // Heartbeats come from running tasks only: while nothing runs, a timer asks what waits.
      const ticks = options.heartbeat > 0 ? setInterval(() => {
        const line = stillRunning.tick(Date.now(), (id) => {
          const wait = options.waits?.().of(id);
          return wait && waitingNowText(wait);
        });
        if (line) printLine(line);
      }, options.heartbeat * 1000).unref() : undefined;
      listeners.push((event) => {
        const quiet = stillRunning.onEvent(event);
        const line = formatEventLine(event) ?? quiet;
        if (line) printLine(line);
        if (event.type === 'workflow.finished') clearInterval(ticks);
      });
    }
  } else if (!options.yes) {
    // Without progress on the console a run that waits for approval would wait unseen: its question goes to stderr.
    const printWait = lineWriter(process.stderr);
    listeners.push((event) => {
      if (event.type === 'task.waiting') printWait(formatEventLine(event)!);
    });
  }
  const onOutput = grouped ? (taskId: string, line: string) => grouped.onOutput(taskId, line) : printOutput && ((taskId: string, line: string) => printOutput(`${taskPrefix(taskId, color)} ${line}`));
  return { listeners, ...(onOutput ? { onOutput } : {}), ...(lanes ? { lanes } : {}) };
}
