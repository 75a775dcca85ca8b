/** A `shell` value as the words of the program to run: `bash -euo pipefail -c` -> `['bash', '-euo', 'pipefail', '-c']`. */
export function shellWords(shell: string): string[] {
  return shell.trim().split(/\s+/);
}

/** Whether a task's shell is the default `sh -c`. */
export function isDefaultShell(shell: readonly string[]): boolean {
  return shell.length === 2 && shell[0] === 'sh' && shell[1] === '-c';
}
