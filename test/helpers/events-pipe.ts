import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from './cli.js';
import { openSqlite } from './sqlite.js';

/** `n` tasks that do nothing: enough events (~180 KB for 300) to fill a pipe's 64 KB. */
export function noOpTasks(n: number): string {
  return Array.from({ length: n }, (_, i) => `  t${i}: { run: "true" }\n`).join('');
}

/**
 * Starts `orchestrate run workflow.yaml ARGS` in `dir` with its events going to
 * a named pipe (`fifo`, for the test to open and read, or not): a run whose
 * pipe is not read waits in its last step once every task has ended.
 * `ended()` says when the history has that run's end.
 */
export function runWithEventsPipe(dir: string, args: string[], env: NodeJS.ProcessEnv) {
  const fifo = join(dir, 'events.fifo');
  if (spawnSync('mkfifo', [fifo]).status !== 0) throw new Error('mkfifo failed');
  const child = spawn(process.execPath, [BIN, 'run', 'workflow.yaml', ...args, '--events', fifo], { cwd: dir, env: { ...process.env, ...env } });
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const ended = () => {
    if (!existsSync(join(dir, '.orchestrate/state.db'))) return false;
    // Kept as the CLI keeps its own (openSqlite): a collected one aborts the test process on Node 24.
    const db = openSqlite(join(dir, '.orchestrate/state.db'), { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM runs WHERE status IS NOT NULL').get() as { n: number }).n === 1;
    } catch {
      return false;
    } finally {
      db.close();
    }
  };
  return { child, exited, fifo, ended };
}
