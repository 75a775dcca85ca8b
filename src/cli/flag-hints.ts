import type { Command } from 'commander';

/**
 * Flags of other tools for what a command of ours has under another name:
 * make (`-j`, `-B`), Taskfile (`--dry`, `--parallel`), Turborepo
 * (`--continue`, `--filter`, `--affected`, `--output-logs`, `--summarize`),
 * git's `-m` and GitHub's review `--comment` for a rejection's `--reason`;
 * and the policy's `costBudget` (or a max cost) written as a flag for `--budget`.
 */
const OTHER_TOOLS: Record<string, string> = {
  '-j': '--concurrency',
  '--jobs': '--concurrency',
  '--parallel': '--concurrency',
  '--parallelism': '--concurrency',
  '--max-parallel': '--concurrency',
  '--dry': '--dry-run',
  '-B': '--force',
  '--always-make': '--force',
  '--continue': '--keep-going',
  '--continue-on-error': '--keep-going',
  '--filter': '--only',
  '--affected': '--since',
  '--output-logs': '--logs',
  '--log-order': '--logs',
  '--summarize': '--result',
  '--cost-budget': '--budget',
  '--max-cost': '--budget',
  '-m': '--reason',
  '--message': '--reason',
  '--comment': '--reason',
};

/**
 * Flags of other tools that mean one of ours with a value, by command (`''`
 * for the program itself): make's `-s`, `--quiet` and `--verbose` for
 * `--renderer silent` and `--logs all`, and node's and npm's `-v` for the
 * version. Said before commander's near spelling, which would offer
 * `--budget` for `--quiet`.
 */
const MEANT: Record<string, Record<string, string>> = {
  run: {
    '-q': '--renderer silent', '--quiet': '--renderer silent', '-s': '--renderer silent', '--silent': '--renderer silent',
    '-v': '--logs all', '--verbose': '--logs all',
  },
  '': { '-v': '-V, --version' },
};

/** What another tool's flag means here, with its value (`--renderer silent`), for `command` (undefined: the program itself). */
export function meantFlag(command: Command | undefined, unknown: string): string | undefined {
  return MEANT[command?.name() ?? '']?.[unknown.replace(/=.*$/, '')];
}

/** Flags a command has no need of, for what it does already: `plan --dry-run` (plan runs nothing). */
const PLAN_IS_DRY = 'plan runs nothing: it is the dry run (run --dry-run prints the same plan)';
/** make's `-C`, Taskfile's `--dir`, Turborepo's `--cwd`: the workflow's path says where its tasks run. */
const inDirectory = (command: string) => `give the workflow's path instead (orchestrate ${command} services/api/orchestrate.yaml): its tasks run in its directory`;
/** make's and docker compose's `-f FILE`, Taskfile's `--taskfile`: the file is the first word. */
const fileFirst = (command: string) => `the workflow file is the first word (orchestrate ${command} ci.yaml)`;
const WORKFLOW_FLAGS = (command: string, file: readonly string[]) => ({
  ...Object.fromEntries(['-C', '--dir', '--directory', '--cwd'].map((flag) => [flag, inDirectory(command)])),
  ...Object.fromEntries(['--file', '--taskfile', ...file].map((flag) => [flag, fileFirst(command)])),
});
/** A quiet plan: a plan is what it prints; checking a workflow without one is lint's. */
const PLAN_IS_OUTPUT = 'a plan is what plan prints (--json for a program); orchestrate lint -q checks a workflow and prints its errors only';
const DONE_ALREADY: Record<string, Record<string, string>> = {
  plan: { '--dry-run': PLAN_IS_DRY, '--dry': PLAN_IS_DRY, '-q': PLAN_IS_OUTPUT, '--quiet': PLAN_IS_OUTPUT, '-s': PLAN_IS_OUTPUT, '--silent': PLAN_IS_OUTPUT, ...WORKFLOW_FLAGS('plan', ['-f']) },
  run: WORKFLOW_FLAGS('run', []),
  list: WORKFLOW_FLAGS('list', ['-f']),
  graph: WORKFLOW_FLAGS('graph', []),
};

/** Why `command` needs no such flag, when it does what the flag asks already. */
export function doneAlready(command: Command, unknown: string): string | undefined {
  return DONE_ALREADY[command.name()]?.[unknown.replace(/=.*$/, '')];
}

/** The subcommand `argv` (as process.argv: node, script, words...) names, if any. */
export function commandOf(program: Command, argv: readonly string[]): Command | undefined {
  const word = argv.slice(2).find((w) => !w.startsWith('-'));
  return word === undefined ? undefined : program.commands.find((c) => c.name() === word || c.aliases().includes(word));
}

/** `-n, --concurrency` for another tool's `-j`, when `command` has that option. */
export function otherToolFlag(command: Command, unknown: string): string | undefined {
  const target = OTHER_TOOLS[unknown.replace(/=.*$/, '')];
  const option = target === undefined ? undefined : command.options.find((o) => o.long === target);
  return option?.flags.replace(/ <.*$|\s+\[.*$/, '');
}
