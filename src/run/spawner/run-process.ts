import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { SecretMasker } from '../../telemetry/mask.js';
import { killProcessGroup } from '../kill-process-group.js';
import { MAX_OUTPUT_BYTES, outputsTooLarge, readOutputsFile } from '../outputs.js';
import { TaskLog } from '../task-log.js';
import { MAX_SUMMARY_BYTES, takeSummaryFile } from '../task-summary.js';
import type { ExitReport, OutputStream, SpawnRequest } from './protocol.js';
import { simpleCommandWords } from './simple-command.js';
import { statIfPresent } from '../../util/stat-if-present.js';

/** How long output may still arrive after the task's shell exited (its pipes normally close at once). */
const DRAIN_MS = 1000;

export interface RunningProcess {
  /** The process group id, once started. */
  pid?: number;
  /** How it ended; `undefined` when it could not start for a limit of the system and `mayWait` said to try again later. */
  done: Promise<ExitReport | undefined>;
}

/**
 * Why a process may not start for now, not for good: too many open files (this
 * process's limit, or the system's) or processes. Another task's end frees some.
 */
const SYSTEM_LIMITS = new Set(['EMFILE', 'ENFILE', 'EAGAIN']);

/**
 * Starts one task process (`sh -c`, or the program itself for a simple
 * command, in its own process group), streams its output masked into the
 * log, and reports how it ended with its outputs. Runs in a spawner process.
 * `env` is this task's own copy: it may be changed. When a limit of the system
 * keeps it from starting and `mayWait()` (other tasks of this spawner still
 * run), it ends with nothing written, to be started again later; `waited`
 * says in its log how long it waited for that. `onSecret` is told each
 * value its stdout registered (`::add-mask::`), which `masker` masks since.
 */
export function runProcess(request: SpawnRequest, env: Record<string, string>, masker: SecretMasker, onLine?: (stream: OutputStream, line: string) => void, mayWait: () => boolean = () => false, waited?: string, onSecret?: (value: string) => void): RunningProcess {
  const started = performance.now();
  const log = new TaskLog(request.logFile, masker, onLine, onSecret);
  log.header(request.header);
  if (waited !== undefined) log.note(waited);
  const later = (error: NodeJS.ErrnoException) => SYSTEM_LIMITS.has(error.code ?? '') && mayWait();
  let child: ChildProcess;
  // Another shell (bash -l, python3) may do more than exec a simple command: it always runs.
  const words = request.shell === undefined ? simpleCommandWords(request.command) : undefined;
  const shell = request.shell ?? ['/bin/sh', '-c'];
  try {
    // Private to this user, in the run's private directory; deleted when the attempt ends.
    if (request.promptFile !== undefined) writeFileSync(request.promptFile, request.prompt ?? '', { mode: 0o600 });
    if (request.paramsFile !== undefined) writeFileSync(request.paramsFile, request.params ?? '{}', { mode: 0o600 });
    // Without a shell, the program still gets the PWD that sh would have set.
    if (words) env.PWD = request.cwd;
    child = spawn(words ? words[0]! : shell[0]!, words ? words.slice(1) : [...shell.slice(1), request.command], {
      cwd: request.cwd,
      env,
      detached: true,
      stdio: [request.prompt !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    if (later(error as NodeJS.ErrnoException)) return { done: Promise.resolve(undefined) };
    return { done: finish(request, log, masker, started, null, null, whyNotStarted(error as NodeJS.ErrnoException, request.cwd, { command: request.command, env }, words ? undefined : shell[0], request.shell !== undefined)) };
  }
  // Written once it has started (a start refused for a system limit writes nothing), before any of its output.
  if (child.pid !== undefined) for (const note of request.notes ?? []) log.note(note);
  log.attach(child.stdout, 'out');
  log.attach(child.stderr, 'err');
  // Begun once it has started: a start refused for a system limit writes nothing, to be tried again.
  if (request.service && child.pid !== undefined) log.begin();
  const stdout = request.captureStdout !== undefined ? captureText(child.stdout) : undefined;
  if (child.stdin) {
    child.stdin.on('error', () => undefined);
    child.stdin.end(request.prompt);
  }
  const pid = child.pid;
  const done = (async () => {
    const [code, signal, spawnError] = await new Promise<[number | null, string | null, string | undefined] | [undefined]>((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (pid === undefined && later(error)) return resolve([undefined]);
        // A program that cannot be exec'd ends as it would under sh: 127 not found, 126 not executable.
        const code = words && !workingDirectoryProblem(request.cwd) ? SHELL_EXIT_CODES[error.code ?? ''] : undefined;
        if (code === undefined) return resolve([null, null, whyNotStarted(error, request.cwd, { command: request.command, env }, words ? undefined : shell[0], request.shell !== undefined)]);
        log.note(`${words![0]}: ${code === 127 ? 'not found' : 'permission denied'}`);
        resolve([code, null, undefined]);
      });
      child.once('exit', (c, s) => {
        // Whatever the shell left behind in its group dies with it.
        if (pid !== undefined) killProcessGroup(pid, 'SIGKILL');
        resolve([c, s, undefined]);
      });
    });
    const pipes = [child.stdout, child.stderr];
    if (code === undefined) {
      // Not started, to be tried again: nothing of it stays.
      for (const s of [...pipes, child.stdin]) s?.destroy();
      return undefined;
    }
    const closed = Promise.all(pipes.map((s) => new Promise<void>((resolve) => {
      if (!s || s.destroyed || s.readableEnded) resolve();
      else s.once('close', () => resolve());
    })));
    // A process that left the task's group (setsid, a daemon) may hold the pipes open for ever:
    // the attempt ends with its shell, after a moment for the last output to drain.
    let drainTimer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([closed.then(() => true), new Promise<false>((resolve) => {
      drainTimer = setTimeout(() => resolve(false), DRAIN_MS);
    })]);
    clearTimeout(drainTimer);
    if (!drained) {
      for (const s of pipes) s?.destroy();
      log.note(`stopped reading output ${DRAIN_MS / 1000}s after the task's shell exited: a process outside its process group still holds it`);
    }
    return finish(request, log, masker, started, code, signal, spawnError, stdout?.());
  })();
  return { pid, done };
}

/** How sh exits when it cannot exec a command. */
const SHELL_EXIT_CODES: Record<string, number> = { ENOENT: 127, ENOTDIR: 127, ELOOP: 127, ENAMETOOLONG: 127, EACCES: 126, EISDIR: 126, ENOEXEC: 126 };

/** What is wrong with a task's working directory, if anything. */
function workingDirectoryProblem(cwd: string): string | undefined {
  const stat = statIfPresent(cwd);
  if (!stat) return 'does not exist';
  if (!stat.isDirectory()) return 'is not a directory';
  // Asked only once a start failed: EACCES from spawn may be the directory's, not the program's.
  try {
    accessSync(cwd, constants.X_OK);
    return undefined;
  } catch {
    return 'cannot be entered (permission denied)';
  }
}

/**
 * Why a task's shell (`shellProgram`, when it ran under one; `chosen` when
 * the workflow named it) did not start, in the user's terms; `start` is the
 * command and environment it was given, for a refusal of their size.
 */
function whyNotStarted(error: NodeJS.ErrnoException, cwd: string, start: { command: string; env: Record<string, string> }, shellProgram?: string, chosen = false): string {
  // ENOENT or ENOTDIR from spawn usually means the working directory is wrong, not the shell.
  const problem = workingDirectoryProblem(cwd);
  if (problem) return `the working directory ${cwd} ${problem}`;
  if (shellProgram !== undefined && (error.code === 'ENOENT' || error.code === 'EACCES')) {
    const why = error.code === 'ENOENT' ? 'was not found' : 'cannot be run (permission denied)';
    // An image without a shell (distroless): simple commands run without one.
    return chosen ? `the shell "${shellProgram}" ${why} (set by \`shell\`)` : `the shell ${shellProgram} ${why}: this command needs one (an image without a shell runs simple commands only), or name another with \`shell\``;
  }
  // Node refuses these before forking; a NUL byte can only have come from a task's output by now (lint refuses the file's).
  if (error.code === 'ERR_INVALID_ARG_VALUE' && /null bytes/.test(error.message)) return 'the command or its environment holds a NUL byte (\\0), which no process can be given: did an output that a template reads carry one?';
  if (SYSTEM_LIMITS.has(error.code ?? '')) return `the system's limit on open files or processes (${error.code}) leaves no room for it, and no other task of this spawner runs to wait for: raise it (ulimit -n, ulimit -u)`;
  if (error.code === 'E2BIG') return tooLargeToStart(start);
  return error.message;
}

/** Linux's limit on one argument or environment entry (MAX_ARG_STRLEN), its terminating NUL included. */
const MAX_ARG_BYTES = 128 * 1024;

/**
 * Why the system refused to start a process for its size (E2BIG), naming the
 * part that is too large: its command (a template filled with a large
 * output) or an environment variable (by name; no value is shown).
 */
function tooLargeToStart(start: { command: string; env: Record<string, string> }): string {
  const kb = (bytes: number) => `${Math.ceil(bytes / 1024)} KB`;
  const command = Buffer.byteLength(start.command) + 1;
  let name = '';
  let largest = 0;
  for (const [key, value] of Object.entries(start.env)) {
    const bytes = Buffer.byteLength(key) + Buffer.byteLength(value) + 2;
    if (bytes > largest) [name, largest] = [key, bytes];
  }
  const what = command > MAX_ARG_BYTES && command >= largest ? `its command is ${kb(command)} once its templates are filled`
    : largest > MAX_ARG_BYTES ? `its environment variable ${name} is ${kb(largest)}`
      : 'its command and environment together are more than the system takes';
  return `${what}, too large to start (E2BIG; Linux takes at most 128 KB in one): pass a large value in a file instead — a task can write it to a file and give the path as its output`;
}

/**
 * What a stream carries, as text, for `captureStdout`: at most the outputs
 * limit is kept (more makes the attempt's outputs too large, as a large
 * outputs file does); the log gets all of it as usual.
 */
function captureText(stream: NodeJS.ReadableStream | null): () => { text: string; bytes: number } {
  let text = '';
  let bytes = 0;
  stream?.on('data', (chunk: string) => {
    bytes += Buffer.byteLength(chunk);
    if (bytes <= MAX_OUTPUT_BYTES) text += chunk;
  });
  return () => ({ text: bytes <= MAX_OUTPUT_BYTES ? text : '', bytes });
}

async function finish(request: SpawnRequest, log: TaskLog, masker: SecretMasker, started: number, code: number | null, signal: string | null, spawnError?: string, stdout?: { text: string; bytes: number }): Promise<ExitReport> {
  const read = readOutputsFile(request.outputFile, masker);
  const { outputs, size } = read;
  let outputError = read.error;
  if (read.notAFile) log.note('$ORCHESTRATE_OUTPUT was replaced by something other than a file: no outputs read');
  for (const file of [request.promptFile, request.paramsFile]) if (file !== undefined) await unlink(file).catch(() => undefined);
  // The file may hold secrets in clear; the masked outputs are kept instead.
  if (read.present) await unlink(request.outputFile).catch(() => undefined);
  for (const problem of read.problems) log.note(problem);
  // Its stdout as an output, as `$(command)` gives it: without the final newlines; what the outputs file says wins.
  if (stdout && request.captureStdout !== undefined && outputError === undefined && !Object.hasOwn(outputs, request.captureStdout)) {
    if ((size ?? 0) + stdout.bytes > MAX_OUTPUT_BYTES) outputError = `its stdout (captureStdout: ${request.captureStdout}) makes ${outputsTooLarge((size ?? 0) + stdout.bytes)}`;
    else outputs[request.captureStdout] = masker.mask(stdout.text.replace(/(\r?\n)+$/, ''));
  }
  const { text: summary, cut } = takeSummaryFile(request.summaryFile, masker);
  if (cut) log.note(`its summary ($ORCHESTRATE_SUMMARY) was cut to its first ${MAX_SUMMARY_BYTES} bytes`);
  if (spawnError) log.note(`could not start: ${spawnError}`);
  await log.close();
  return { type: 'exit', id: request.id, code, signal, spawnError, outputError, outputs, ...(summary !== undefined ? { summary } : {}), tail: log.tail(), ...(log.writeError !== undefined ? { logError: log.writeError } : {}), durationMs: performance.now() - started };
}
