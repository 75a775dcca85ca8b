import { closeSync, createReadStream, existsSync, openSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT, UsageError } from '../../errors.js';
import { taskLogName } from '../../run/file-names.js';
import { taskNames } from '../../run/select-tasks.js';
import { runDirectory } from '../../run/run-dir.js';
import { openStore } from '../../store/open-store.js';
import { getRun, latestRunId, inRunOrder, taskOrder, taskStatuses } from '../../store/queries.js';
import { followLogs } from '../follow-logs.js';
import { runNamedOrLatest } from '../run-name.js';
import { stillRunning } from '../run-liveness.js';
import { readHead } from '../../util/read-head.js';
import { tailStart } from '../../util/tail-start.js';
import { idList } from '../id-list.js';
import { suggestion } from '../../util/suggest.js';
import { existingStatePath } from '../history-store.js';
import { writeErr, writeOut } from '../output.js';

/** The task a log file belongs to, from its first line (`--- attempt N of ID started ...`, masked like the file). */
function taskOfLog(path: string): string | undefined {
  return /^--- attempt \d+ of (.+?) started /.exec(readHead(path, 4096))?.[1];
}

/** Where the last `lines` lines of a file begin (0: all of it). */
function startOfTail(path: string, lines: number | undefined): number {
  if (lines === undefined) return 0;
  const fd = openSync(path, 'r');
  try {
    return tailStart(fd, lines);
  } finally {
    closeSync(fd);
  }
}

/** Streams a file from `start` to stdout (a log may be hundreds of MB), resolving when it is written or stdout is gone (`| head`). */
function printFile(path: string, start = 0): Promise<void> {
  return new Promise((resolve) => {
    const out = process.stdout;
    const stream = createReadStream(path, { start });
    const done = () => {
      out.off('error', done);
      out.off('close', done);
      stream.destroy();
      resolve();
    };
    stream.on('error', done);
    stream.on('end', done);
    out.once('error', done);
    out.once('close', done);
    stream.pipe(out, { end: false });
  });
}

/** For a run id that is a task's id of the latest run (`logs build`): how to ask for that task's logs. */
function taskHint(db: ReturnType<typeof openStore>, name: string): string {
  const latest = latestRunId(db);
  return latest !== undefined && taskStatuses(db, latest).has(name) ? `; to see the logs of task ${name}: orchestrate logs --task ${name}` : '';
}

/**
 * `orchestrate logs [RUN_ID]`: the log files of a stored run (the latest by
 * default), each under a `==> task (status) <==` line; `--task` and
 * `--failed` choose some; `--follow` prints a run's lines as they come until it ends.
 */
export async function logsCommand(runId: string | undefined, options: { task?: string; failed?: boolean; follow?: boolean; tail?: number; state?: string }): Promise<number> {
  if (options.follow && options.failed) throw new UsageError('--failed cannot be used with --follow: which tasks fail is known only once they end');
  const db = openStore(await existingStatePath(process.cwd(), options.state), 'read');
  let run;
  let statuses: Map<string, string>;
  let compare: (a: string, b: string) => number;
  try {
    run = runNamedOrLatest(db, runId, (name) => taskHint(db, name));
    statuses = taskStatuses(db, run.id);
    compare = inRunOrder(taskOrder(db, run.id));
  } finally {
    // Following, the history is read until the run ends.
    if (!options.follow || !run) db.close();
  }
  const dir = runDirectory(dirname(run.file), run.id);
  // A run that has just started may not have made its directory yet.
  if (!existsSync(dir) && !(options.follow && stillRunning(run))) {
    if (options.follow) db.close();
    throw new UsageError(`the logs of run ${run.id} are gone (pruned or deleted): ${dir}`);
  }
  const wanted = idList(options.task, '--task');
  const tests = wanted?.map((id) => [id, taskNames(id)] as const);
  // A name that fits no task of a run that has ended is a typo (`run --only` says so too); in a run going on it may be yet to come.
  const unknown = options.follow || stillRunning(run) ? undefined : tests?.find(([, names]) => ![...statuses.keys()].some(names));
  if (unknown) throw new UsageError(`--task: run ${run.id} has no task "${unknown[0]}"${suggestion(unknown[0], statuses.keys())}`);
  // A log is named by its task's id made file-safe; an id that held a secret, by its masked form and index (then its header says).
  const byFileName = new Map([...statuses.keys()].map((task) => [taskLogName(task), task]));
  if (options.follow) return follow(db, run.id, dir, (f) => byFileName.get(f) ?? taskOfLog(join(dir, f)) ?? f.slice(0, -4), (task) => !tests || tests.some(([, names]) => names(task)), compare, options.tail);
  const logs = readdirSync(dir).filter((f) => f.endsWith('.log'))
    .map((f) => ({ path: join(dir, f), task: byFileName.get(f) ?? taskOfLog(join(dir, f)) ?? f.slice(0, -4) }))
    .filter((l) => (!tests || tests.some(([, names]) => names(l.task))) && (!options.failed || statuses.get(l.task) === 'failed'))
    // In the order the run came to the tasks, not by file name (t[10] before t[2]).
    .sort((a, b) => compare(a.task, b.task));
  for (const [id, names] of tests ?? []) {
    if (logs.some((l) => names(l.task))) continue;
    // A matrix task's id or a pattern names several tasks: how many, when none printed anything.
    const named = [...statuses.keys()].filter(names).length;
    await writeOut(`==> ${id} (${statuses.get(id) ?? (named ? `${named} task${named === 1 ? '' : 's'}` : 'not in this run')}): no output <==\n`);
  }
  // A task that prints nothing has no log file: say so rather than print nothing at all.
  if (!logs.length && !wanted) await writeOut(`run ${run.id}: no task ${options.failed ? 'that failed ' : ''}printed anything\n`);
  for (const log of logs) {
    // The reader went away (`orchestrate logs | head`): nothing more to print.
    if (process.stdout.destroyed) break;
    await writeOut(`==> ${log.task} (${statuses.get(log.task) ?? 'running'}) ${log.path} <==\n`);
    await printFile(log.path, startOfTail(log.path, options.tail));
  }
  return EXIT.ok;
}

/** `logs --follow`: the run's lines as they come, until it ends (exit 0) or Ctrl-C (exit 130). */
async function follow(db: ReturnType<typeof openStore>, id: string, dir: string, taskOf: (fileName: string) => string, wanted: (task: string) => boolean, compare: (a: string, b: string) => number, tail?: number): Promise<number> {
  const stop = new AbortController();
  const interrupt = () => stop.abort();
  process.once('SIGINT', interrupt);
  let gone = false;
  try {
    const ended = await followLogs(dir, {
      taskOf,
      wanted,
      compare,
      tail,
      signal: stop.signal,
      ended: () => {
        const run = getRun(db, id)!;
        if (run.finished_at !== null) return true;
        // Killed (kill -9, a crash): its record will not say it ended.
        gone = !stillRunning(run);
        return gone;
      },
    });
    if (!ended) return process.stdout.destroyed ? EXIT.ok : EXIT.sigint;
    if (gone) await writeErr(`orchestrate: the runner of run ${id} is gone without finishing it (killed?); its logs end here\n`);
    return EXIT.ok;
  } finally {
    process.off('SIGINT', interrupt);
    db.close();
  }
}
