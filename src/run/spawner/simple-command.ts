/**
 * The words of a command that `sh -c` would only split on spaces and exec —
 * one program and plain arguments, no shell syntax at all — or undefined
 * when the command needs the shell. Such a command is exec'd directly, as GNU
 * make does: the result is the same, minus a shell's start (about a
 * millisecond a task, and one process fewer).
 */
export function simpleCommandWords(command: string): string[] | undefined {
  const text = command.trim();
  // Letters, digits and punctuation that no POSIX shell treats specially, words split by spaces.
  if (!/^[A-Za-z0-9_./:,+@%=-]+(?: +[A-Za-z0-9_./:,+@%=-]+)*$/.test(text)) return undefined;
  const words = text.split(/ +/);
  const program = words[0]!;
  // `NAME=value cmd` sets a variable; a builtin or keyword behaves differently from a program of that name.
  if (program.includes('=') || SHELL_WORDS.has(program)) return undefined;
  return words;
}

/**
 * Reserved words and builtins of dash and bash (also as `sh`), except
 * `true` and `false`, which do exactly what the programs do.
 */
const SHELL_WORDS = new Set([
  // Reserved words, and the builtins `.` and `:`.
  '.', ':',
  'case', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'function', 'if', 'in', 'select', 'then', 'time', 'until', 'while',
  // Builtins.
  'alias', 'bg', 'bind', 'break', 'builtin', 'caller', 'cd', 'chdir', 'command', 'compgen', 'complete', 'continue', 'declare',
  'dirs', 'disown', 'echo', 'enable', 'eval', 'exec', 'exit', 'export', 'fc', 'fg', 'getopts', 'hash', 'help', 'history',
  'jobs', 'kill', 'let', 'local', 'logout', 'login', 'mapfile', 'newgrp', 'popd', 'printf', 'pushd', 'pwd', 'read', 'readarray',
  'readonly', 'return', 'set', 'shift', 'shopt', 'source', 'suspend', 'test', 'times', 'trap', 'type', 'typeset', 'ulimit',
  'umask', 'unalias', 'unset', 'wait',
]);
