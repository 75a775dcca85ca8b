import { execFileSync } from 'node:child_process';
import type { Command, Option } from 'commander';
import { openStore, type Database } from '../store/open-store.js';
import { awaitingApproval } from '../store/approvals.js';
import { listRuns, unfinishedRuns } from '../store/queries.js';
import { loadWorkflowFile } from '../workflow/load.js';
import { defaultFile, namesWorkflowFile } from './default-workflow.js';
import { existingStatePath } from './history-store.js';
import { stillRunning } from './run-liveness.js';

/** What a word being completed may be: these words, and files too when `files`. */
export interface Completions {
  words: string[];
  files: boolean;
}

/** Arguments whose values are task ids of the workflow file, and options that take run ids. */
const RUN_ID_ARGUMENTS = new Set(['runId']);

/**
 * The completions of the last of `words` (the command line after
 * `orchestrate`, the last being the word under the cursor, maybe empty):
 * commands; a command's options; the choices of an option's value; task ids
 * of the workflow (for `run`/`plan` words and `--only`, from the file given
 * or orchestrate.yaml); git branches and tags for `--since`; run ids from the
 * history; files where a file goes.
 * Never throws: a workflow that does not load completes nothing.
 */
export async function complete(program: Command, words: readonly string[]): Promise<Completions> {
  const current = words[words.length - 1] ?? '';
  const done = words.slice(0, -1);
  const commands = program.commands.filter((c) => !hidden(c));
  if (!done.length) return { words: current.startsWith('-') ? ['--help', '--version'] : commands.map((c) => c.name()), files: false };
  const command = commands.find((c) => c.name() === done[0] || c.aliases().includes(done[0]!));
  if (!command) return { words: [], files: true };
  const options = command.options as readonly Option[];
  const optionOf = (word: string) => options.find((o) => o.long === word || o.short === word);
  // The option whose value this word is, if any.
  const previous = done.length > 1 ? optionOf(done[done.length - 1]!) : undefined;
  if (previous && (previous.required || previous.optional)) {
    if (previous.argChoices) return { words: previous.argChoices, files: false };
    if (previous.long === '--only') return { words: await taskIds(workflowOf(done)), files: false };
    if (previous.long === '--since') return { words: gitRefs(), files: false };
    return { words: [], files: true };
  }
  if (current.startsWith('-')) return { words: options.flatMap((o) => [o.long, o.short]).filter((w): w is string => Boolean(w)).concat('--help'), files: false };
  // Which positional argument this word is: the words before it that are neither options nor their values.
  let position = 0;
  for (let i = 1; i < done.length; i++) {
    const option = optionOf(done[i]!);
    if (option) {
      if (option.required) i++;
    } else if (!done[i]!.startsWith('-')) position++;
  }
  const args = command.registeredArguments;
  const argument = args[Math.min(position, args.length - 1)];
  if (!argument) return { words: [], files: false };
  const name = argument.name();
  if (RUN_ID_ARGUMENTS.has(name)) return { words: await runIds(), files: false };
  if (command.name() === 'approve' || command.name() === 'reject') return { words: await awaitingTasks(), files: false };
  if (name === 'tasks' || (name === 'file' && args.some((a) => a.name() === 'tasks'))) {
    // `run [file] [tasks...]`: the first word is a file, or a task of orchestrate.yaml.
    const file = workflowOf(done);
    return { words: await taskIds(file), files: position === 0 };
  }
  return { words: [], files: name === 'file' || name === 'files' };
}

function hidden(command: Command): boolean {
  return command.name().startsWith('__');
}

/** The workflow file of a `run`/`plan` line, as the command reads its words: its first positional word when that names one, else orchestrate.yaml here. */
function workflowOf(done: readonly string[]): string | undefined {
  const first = done.slice(1).find((w) => !w.startsWith('-'));
  return first && namesWorkflowFile(first) ? first : defaultFile();
}

/** The task ids of a workflow file as the file names them (a matrix task once); none when it does not load. */
async function taskIds(file: string | undefined): Promise<string[]> {
  if (!file) return [];
  try {
    const { workflow } = await loadWorkflowFile(file);
    return [...new Set(workflow?.tasks.map((t) => t.baseId) ?? [])];
  } catch {
    return [];
  }
}

/** The branches and tags git knows here (for `--since`); none outside a repository. */
function gitRefs(): string[] {
  try {
    const out = execFileSync('git', ['for-each-ref', '--format=%(refname:short)', '--count=200', 'refs/heads', 'refs/remotes', 'refs/tags'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Words read from this project's history; none without one. */
async function fromHistory(read: (db: Database) => string[]): Promise<string[]> {
  try {
    const db = openStore(await existingStatePath(process.cwd()), 'read');
    try {
      return read(db);
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}

/** The ids of the latest runs in this project's history, newest first, and then their workflows' names, which name their latest runs. */
const runIds = () => fromHistory((db) => {
  const runs = listRuns(db, {}, 20);
  return [...runs.map((r) => r.id), ...new Set(runs.map((r) => r.workflow).filter((name) => !/\s/.test(name)))];
});

/** The tasks waiting for approval in the runs going on on this machine. */
const awaitingTasks = () => fromHistory((db) => unfinishedRuns(db).filter(stillRunning).flatMap((run) => awaitingApproval(db, run.id).map((a) => a.task)));

/**
 * The bash completion script (`source <(orchestrate completion bash)`): it
 * asks `orchestrate __complete` for the words, as the program it completes is
 * invoked (a path or `npx orchestrate` work too), and adds file names where a
 * file goes.
 */
export function bashScript(): string {
  return `# orchestrate completion for bash: source <(orchestrate completion bash), e.g. in ~/.bashrc
_orchestrate_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" out directive IFS=$'\\n'
  out=$("$1" __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
  directive="\${out%%$'\\n'*}"
  [[ $out == *$'\\n'* ]] && out="\${out#*$'\\n'}" || out=""
  COMPREPLY=($(compgen -W "$out" -- "$cur"))
  if [[ $directive == files ]]; then
    COMPREPLY+=($(compgen -f -- "$cur"))
    compopt -o filenames 2>/dev/null
  fi
}
complete -F _orchestrate_complete orchestrate
`;
}

/**
 * The zsh completion script (`source <(orchestrate completion zsh)`), the
 * same helper behind zsh's own completion system; it starts compinit when
 * the shell has not.
 */
export function zshScript(): string {
  return `#compdef orchestrate
# orchestrate completion for zsh: source <(orchestrate completion zsh), e.g. in ~/.zshrc
_orchestrate() {
  local out
  out=$("\${words[1]}" __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  local -a lines found
  lines=("\${(@f)out}")
  found=("\${(@)lines[2,-1]}")
  (( \${#found} )) && compadd -- "\${(@)found}"
  [[ \${lines[1]} == files ]] && _files
  return 0
}
if (( ! \${+functions[compdef]} )); then
  autoload -Uz compinit && compinit
fi
compdef _orchestrate orchestrate
`;
}

/** The fish completion script (`orchestrate completion fish | source`). */
export function fishScript(): string {
  return `# orchestrate completion for fish: orchestrate completion fish | source, e.g. in ~/.config/fish/config.fish
function __orchestrate_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out ($tokens[1] __complete -- $tokens[2..-1] "$current" 2>/dev/null)
    or return
    for word in $out[2..-1]
        echo $word
    end
    if test "$out[1]" = files
        __fish_complete_path "$current"
    end
end
complete -c orchestrate -f -a '(__orchestrate_complete)'
`;
}
