import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT, OrchestrateError, UsageError } from '../errors.js';
import { writeErr, writeOut } from './output.js';
import { parseDuration } from '../util/duration.js';
import { openFilesLimit } from '../util/open-files-limit.js';
import { packageVersion } from './version.js';
import { fileAndTasks, lintedFiles, workflowFile } from './default-workflow.js';
import { isCpuShare, slotsOf } from '../workflow/cpu-share.js';
import { commandOf, doneAlready, meantFlag, otherToolFlag } from './flag-hints.js';

/** A whole-number option of at least `min`; the message names the option, the range and the value. */
export function parseCount(name: string, min = 0) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be a whole number, got "${value}".`);
    // Digits past what a number holds exactly are a whole number still, only too large.
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be at most ${Number.MAX_SAFE_INTEGER}, got ${value.trim()}.`);
    if (n < min) throw new InvalidArgumentError(`${name} must be at least ${min}, got ${n}.`);
    return n;
  };
}

export function parsePositive(name: string) {
  return parseCount(name, 1);
}

/** `--concurrency`: a number of slots, or a share of this machine's CPUs (`50%`), as Turborepo's flag. */
function parseConcurrency(value: string): number {
  if (value.trim().endsWith('%')) {
    if (!isCpuShare(value.trim())) throw new InvalidArgumentError(`--concurrency must be a whole number or a share of the CPUs such as 50%, got "${value}".`);
    return slotsOf(value.trim());
  }
  return parsePositive('--concurrency')(value);
}

/** A workflow file argument: an empty one is a mistake, said as such (not "cannot read : is a directory"). */
function fileArgument(name: string, description: string): Argument {
  return new Argument(name, description).argParser((value: string) => {
    if (!value.trim()) throw new InvalidArgumentError('A workflow file is needed, got an empty path.');
    return value;
  });
}

/** `--older-than`: a duration such as 30d or 12h, in seconds. */
function parseAge(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds <= 0) throw new InvalidArgumentError(`--older-than must be a duration such as 30d, 12h or 90m, got "${value}".`);
  return seconds;
}

/** `run --timeout`, `plan --timeout`: a deadline for the whole run, in seconds. */
function parseTimeout(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds <= 0) throw new InvalidArgumentError(`--timeout must be a duration above 0 such as 30m, 90s or 1h30m, got "${value}".`);
  return seconds;
}

/** `run --budget`, `plan --budget`: the most the run may spend, over policy.costBudget (its bounds). */
function parseBudget(value: string): number {
  const amount = value.trim() === '' ? Number.NaN : Number(value);
  if (!(amount > 0) || amount > 1e15) throw new InvalidArgumentError(`--budget must be a number above 0 such as 2.5, at most 1e15, got "${value}".`);
  return amount;
}

/** A path option: an empty value is a mistake, said as such (not "cannot write : no such file"). */
export function parsePath(name: string) {
  return (value: string): string => {
    if (!value.trim()) throw new InvalidArgumentError(`${name} needs a path, got an empty one.`);
    return value;
  };
}

/** `-i, --input NAME=VALUE`, repeatable: the values in order (the last of a name wins). */
const inputOption = () => new Option('-i, --input <name=value>', 'a value for one of the workflow\'s inputs (repeatable)').argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
const configOption = () => new Option('-c, --config <path>', 'config file to use instead of searching for one').argParser(parsePath('--config'));
const stateOption = (what = 'run history database') => new Option('--state <path>', `${what} (default: .orchestrate/state.db in the project)`).argParser(parsePath('--state'));

/** Builds the commander program; each command's code is imported only when it runs. */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('orchestrate')
    .description('Run declarative workflow files: shell commands and agents in parallel, with policies, plans and history.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: () => undefined });

  program
    .command('lint')
    .description('check workflow files and report problems with file:line:col')
    .argument('[files...]', 'workflow files, globs (e.g. "workflows/*.yaml") or directories (default: orchestrate.yaml)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json', 'github', 'sarif', 'gitlab']).default('stylish'))
    .option('--max-warnings <n>', 'fail (exit 1) when there are more warnings than this', parseCount('--max-warnings'))
    .addOption(configOption())
    .option('-q, --quiet', 'report errors only, not warnings')
    .option('--stdin-filename <path>', 'lint standard input (-) as if it were this file: its name in the report, its directory for relative paths (for editors)', parsePath('--stdin-filename'))
    .action(async (files: string[], options) => {
      const { lintCommand } = await import('./commands/lint.js');
      setExit(await lintCommand(lintedFiles(files, options.stdinFilename), options));
    });

  program
    .command('plan')
    .description('dry run: batches, critical path, the simulated schedule and a speedup estimate')
    .addArgument(fileArgument('[file]', 'workflow file (default: orchestrate.yaml; when this word is not a file or *.yaml, it is a task)'))
    .argument('[tasks...]', 'plan only these tasks and what they need (as --only)')
    .option('-n, --concurrency <n>', 'override policy.maxConcurrency ("what if I had n slots?"); a share of the CPUs: 50%', parseConcurrency)
    .option('--json', 'print the plan as JSON (schemas/plan.schema.json)')
    .option('--only <ids>', 'plan only these tasks (comma-separated) and what they need')
    .option('--since <ref>', 'only the tasks whose sources changed since this git ref (branch, tag, commit), those without sources, and what needs them')
    .option('--commands', 'show what each task runs: its command as loaded (matrix values, params and inputs filled) and an agent task\'s prompt')
    .option('--timeout <duration>', 'a deadline for the whole run, over policy.timeout, as run --timeout ("would it end within 30m?")', parseTimeout)
    .option('--budget <amount>', 'the most the run may spend, over policy.costBudget, as run --budget ("would it fit in 5?")', parseBudget)
    .addOption(inputOption())
    .addOption(stateOption('run history database for estimates'))
    .addOption(configOption())
    .action(async (first: string | undefined, words: string[], options) => {
      const { planCommand } = await import('./commands/plan.js');
      const { file, tasks } = fileAndTasks(first, words, 'plan');
      setExit(await planCommand(file, { ...options, tasks }));
    });

  program
    .command('run')
    .description('run the workflow: tasks in parallel under its policy, with progress, logs and telemetry')
    .addArgument(fileArgument('[file]', 'workflow file (default: orchestrate.yaml; when this word is not a file or *.yaml, it is a task)'))
    .argument('[tasks...]', 'run only these tasks and what they need (as --only)')
    .option('-n, --concurrency <n>', 'override policy.maxConcurrency; a share of the CPUs: 50%', parseConcurrency)
    .option('--json', 'print the result object as JSON instead of the summary')
    .option('--dry-run', 'print the plan instead of running (as orchestrate plan)')
    .option('--commands', 'with --dry-run: show what each task runs (as plan --commands)')
    .option('--only <ids>', 'run only these tasks (comma-separated) and what they need')
    .option('--since <ref>', 'only the tasks whose sources changed since this git ref (branch, tag, commit), those without sources, and what needs them')
    .option('--events <path>', 'write the event stream (JSON Lines) here; - for stdout (default: .orchestrate/runs/<runId>/events.jsonl)', parsePath('--events'))
    .option('--result <path>', 'also write the result object (what --json prints) to this file when the run ends, beside the live progress and summary', parsePath('--result'))
    .option('--resume [runId]', 'resume a run: skip tasks that succeeded in it with an unchanged definition (default: the latest run of this workflow, which must not have succeeded)')
    .option('-f, --force', 'run tasks with sources even when they are up to date')
    .option('-w, --watch', 'run again whenever the workflow file or a task\'s sources change, until Ctrl-C')
    .addOption(new Option('--fail-fast', 'stop the run at the first task that fails for good (policy.cancellation: cascading)').conflicts('keepGoing'))
    .option('-k, --keep-going', 'after a failure, run every task that does not depend on it (policy.cancellation: isolated)')
    .option('--timeout <duration>', 'a deadline for the whole run, over policy.timeout (e.g. 30m, 1h30m)', parseTimeout)
    .option('--budget <amount>', 'the most the run may spend, over policy.costBudget (e.g. 2.5): tasks that would pass it are skipped and the run fails', parseBudget)
    .option('-y, --yes', 'approve every task of the run that waits for approval (`approval:`), without asking')
    .addOption(inputOption())
    .addOption(stateOption())
    .addOption(new Option('--renderer <renderer>', 'progress display: default (live, in a terminal), simple (a line per event), silent').choices(['default', 'simple', 'silent']).default('default'))
    .addOption(new Option('--logs <which>', "tasks' output on the console: failed (the last lines of failures, in the summary), all (every line as it comes, [task] line) or grouped (each task's lines together when it ends)").choices(['failed', 'all', 'grouped']).default('failed'))
    .addOption(configOption())
    .action(async (first: string | undefined, words: string[], options) => {
      const { file, tasks } = fileAndTasks(first, words);
      if (options.watch) {
        const { watchCommand } = await import('./watch.js');
        setExit(await watchCommand(file, { ...options, tasks }));
        return;
      }
      const { runCommand } = await import('./commands/run.js');
      setExit(await runCommand(file, { ...options, tasks }));
    });

  program
    .command('init')
    .description('write a starter workflow (default orchestrate.yaml, which commands use when given no file); never replaces a file')
    .addArgument(fileArgument('[file]', 'where to write it'))
    .addOption(new Option('-t, --template <name>', 'shell (shell tasks: needs, outputs, inputs, a matrix, retries) or agents (LLM agent tasks: a fan-out over what a task found, answers checked and costed, a budget, rate limits)').choices(['shell', 'agents']).default('shell'))
    .action(async (file: string | undefined, options: { template: 'shell' | 'agents' }) => {
      const { initCommand } = await import('./commands/init.js');
      setExit(await initCommand(file, options));
    });

  program
    .command('history')
    .description('list past runs (id, when, status, wall time, speedup, cost)')
    .addArgument(fileArgument('[file]', 'only runs of this workflow file'))
    .option('--json', 'print the runs as JSON')
    .option('-l, --limit <n>', 'show the latest n runs', parsePositive('--limit'), 50)
    .addOption(new Option('-s, --status <status>', 'only the runs that ended so, or going on (running), or whose runner is gone (unfinished)').choices(['succeeded', 'failed', 'cancelled', 'running', 'unfinished']))
    .addOption(stateOption())
    .action(async (file: string | undefined, options) => {
      const { historyCommand } = await import('./commands/history.js');
      setExit(await historyCommand(file, options));
    });

  program
    .command('stats')
    .description('statistics per task and agent (p50/p95/p99, retries, queue waits, cost) and a bottleneck report')
    .addArgument(fileArgument('[file]', 'workflow file (needed for the plan-based findings)'))
    .option('--json', 'print {tasks, agents, bottlenecks} as JSON')
    .option('-l, --limit <n>', 'only the latest n runs of each workflow (default: every recorded run)', parsePositive('--limit'))
    .addOption(stateOption())
    .addOption(configOption())
    .action(async (file: string | undefined, options) => {
      const { statsCommand } = await import('./commands/stats.js');
      setExit(await statsCommand(file, options));
    });

  program
    .command('report')
    .description('write one self-contained HTML page of a run (Gantt timeline, task table, bottlenecks), or its JUnit XML')
    .argument('[runId]', 'the run, a start of its id or of its random part, or a workflow (its latest run) (default: the latest)')
    .option('-o, --out <file>', 'where to write it (default: .orchestrate/runs/<runId>/report.html, report.xml or trace.json)', parsePath('--out'))
    .addOption(new Option('--lanes <kind>', 'one timeline lane per concurrency slot, or per agent slot').choices(['slot', 'agent']).default('slot'))
    .addOption(new Option('-f, --format <format>', 'html (a self-contained page), junit (XML for CI test reports) or trace (Chrome trace JSON for Perfetto)').choices(['html', 'junit', 'trace']).default('html'))
    .addOption(stateOption())
    .action(async (runId: string | undefined, options) => {
      const { reportCommand } = await import('./commands/report.js');
      setExit(await reportCommand(runId, options));
    });

  program
    .command('logs')
    .description("print a stored run's task logs (the latest run by default)")
    .argument('[runId]', 'the run, a start of its id or of its random part, or a workflow (its latest run) (default: the latest)')
    .option('-t, --task <ids>', 'only these tasks (comma-separated)')
    .option('--failed', 'only the tasks that failed')
    .option('-f, --follow', "print the run's lines as they are written, [task] line, until it ends (Ctrl-C stops)")
    .option('--tail <lines>', 'only the last lines of each log (with --follow: of each log there when it starts)', parseCount('--tail'))
    .addOption(stateOption())
    .action(async (runId: string | undefined, options) => {
      const { logsCommand } = await import('./commands/logs.js');
      setExit(await logsCommand(runId, options));
    });

  program
    .command('status')
    .description('where a run is: its tasks by state, those running now, and the command that resumes it when it did not succeed (the run going on, else the latest)')
    .argument('[runId]', 'the run, a start of its id or of its random part, or a workflow (its latest run) (default: the one going on on this machine, else the latest)')
    .option('--json', 'print it as JSON')
    .addOption(stateOption())
    .action(async (runId: string | undefined, options) => {
      const { statusCommand } = await import('./commands/status.js');
      setExit(await statusCommand(runId, options));
    });

  program
    .command('cancel')
    .description('stop a run going on on this machine (the latest by default), as SIGTERM stops it, and wait until it has')
    .argument('[runId]', 'the run, a start of its id or of its random part, or a workflow (its latest run) (default: the latest one going on)')
    .option('--force', 'kill its tasks at once, without their grace period (as a second Ctrl-C)')
    .addOption(stateOption())
    .action(async (runId: string | undefined, options) => {
      const { cancelCommand } = await import('./commands/cancel.js');
      setExit(await cancelCommand(runId, options));
    });

  for (const [name, approved] of [['approve', true], ['reject', false]] as const) {
    const command = program
      .command(name)
      .description(approved
        ? 'let tasks that wait for approval (`approval:`) in a run going on on this machine start'
        : 'refuse tasks that wait for approval (`approval:`) in a run going on on this machine: they fail')
      .argument('<tasks...>', 'the tasks (as the run names them)')
      .option('--run <runId>', 'the run, a start of its id or of its random part, or a workflow (its latest run) (default: the one going on where each task waits)');
    if (!approved) command.option('-r, --reason <text>', 'why (shown in the run and its result)');
    command
      .addOption(stateOption())
      .action(async (tasks: string[], options) => {
        const { decideCommand } = await import('./commands/approve.js');
        setExit(await decideCommand(tasks, approved, options));
      });
  }

  program
    .command('prune')
    .description('forget old runs: keep the latest n of each workflow in the history, delete the rest and their logs')
    .addArgument(fileArgument('[file]', 'only runs of this workflow file'))
    .option('-k, --keep <n>', 'runs to keep per workflow file, whatever their age', parseCount('--keep'), 50)
    .option('--older-than <duration>', 'remove only runs that started longer ago than this (e.g. 30d, 12h)', parseAge)
    .option('--dry-run', 'list what would be removed, remove nothing')
    .addOption(stateOption())
    .action(async (file: string | undefined, options) => {
      const { pruneCommand } = await import('./commands/prune.js');
      setExit(await pruneCommand(file, options));
    });

  program
    .command('events')
    .description("print a stored run's events as JSON Lines, the live stream's schema (the latest run by default)")
    .argument('[runId]', 'the run, a start of its id or of its random part, or a workflow (its latest run) (default: the latest)')
    .addOption(stateOption())
    .action(async (runId: string | undefined, options) => {
      const { eventsCommand } = await import('./commands/history.js');
      setExit(await eventsCommand(runId, options));
    });

  program
    .command('list')
    .alias('ls')
    .description('list the tasks of a workflow with their descriptions, and the inputs it takes')
    .addArgument(fileArgument('[file]', 'workflow file (default: orchestrate.yaml)'))
    .option('--json', 'print {workflow, file, tasks, inputs} as JSON')
    .addOption(configOption())
    .action(async (file: string | undefined, options) => {
      const { listCommand } = await import('./commands/list.js');
      setExit(await listCommand(workflowFile(file, 'list'), options));
    });

  program
    .command('graph')
    .description('print the dependency graph with the critical path highlighted')
    .addArgument(fileArgument('[file]', 'workflow file (default: orchestrate.yaml)'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['mermaid', 'dot', 'json']).default('mermaid'))
    .addOption(configOption())
    .action(async (file: string | undefined, options) => {
      const { graphCommand } = await import('./commands/plan.js');
      setExit(await graphCommand(workflowFile(file, 'graph'), options));
    });

  program
    .command('completion')
    .description('print a shell completion script: source <(orchestrate completion bash), or zsh, or fish')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { bashScript, fishScript, zshScript } = await import('./completion.js');
      await writeOut(shell === 'zsh' ? zshScript() : shell === 'fish' ? fishScript() : bashScript());
    });

  // What the completion script asks: the completions of the last word (after --), a first line saying whether files go there.
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .action(async (words: string[]) => {
      const { complete } = await import('./completion.js');
      const { words: found, files } = await complete(program, words.length ? words : ['']);
      await writeOut(`${files ? 'files' : 'nofiles'}\n${found.map((w) => `${w}\n`).join('')}`);
    });

  return program;
}

/** Runs the CLI and returns the exit code; prints one line for user errors, a stack for bugs. */
export async function runCli(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    checkWorkingDirectory();
    checkOpenFilesLimit();
    await program.parseAsync(argv);
    return exitCode;
  } catch (caught) {
    return reportError(caught, program, argv);
  }
}

/** Every command resolves paths against the working directory: one removed while the shell was in it is said at once. */
function checkWorkingDirectory(): void {
  try {
    process.cwd();
  } catch {
    throw new UsageError('the current directory no longer exists (it was removed while the shell was in it): cd to one that does');
  }
}

/** Open files a command may need: the history (its database, log and index), a run's spawners, pipes and logs. */
const MIN_OPEN_FILES = 64;

/**
 * A limit on open files below what a command needs is said at once: SQLite
 * would call the history "unable to open", and a task's start fail with EMFILE.
 * Node raises the limit to the hard one itself; this is what is left (Linux).
 */
function checkOpenFilesLimit(): void {
  const limit = openFilesLimit();
  if (limit !== undefined && limit < MIN_OPEN_FILES) throw new UsageError(`the limit on open files is ${limit} (ulimit -n): orchestrate needs at least ${MIN_OPEN_FILES}; raise it (ulimit -n 1024)`);
}

/**
 * Prints what went wrong and gives the exit code: a usage error in one line
 * (with commander's "did you mean", or the flag another tool's flag stands
 * for), a user's mistake as its message, a bug with its stack.
 */
export async function reportError(caught: unknown, program?: Command, argv?: readonly string[]): Promise<number> {
  if (caught instanceof CommanderError) {
    // No command at all: commander has shown the help on stderr, and it is a usage error as an unknown command is.
    if (caught.code === 'commander.help' && caught.exitCode !== 0) return EXIT.usage;
    if (caught.code === 'commander.helpDisplayed' || caught.code === 'commander.version' || caught.code === 'commander.help') return EXIT.ok;
    const [message, ...more] = caught.message.replace(/^error: /, '').split('\n');
    const command = program && argv ? commandOf(program, argv) : undefined;
    // Commander's own suggestion comes on a line of its own: "(Did you mean --concurrency?)".
    const unknown = /^unknown option '(.+)'$/.exec(message!)?.[1];
    let meant = unknown === undefined || !program || !argv ? undefined : meantFlag(command, unknown);
    // Why the command needs no such flag goes before commander's near spelling (`plan --quiet` is not --budget).
    const already = meant === undefined && command && unknown !== undefined ? doneAlready(command, unknown) : undefined;
    if (already === undefined) meant ??= more.map((line) => /^\(Did you mean (.+)\?\)$/.exec(line.trim())?.[1]).find((m) => m !== undefined);
    if (meant === undefined && already === undefined && command && unknown !== undefined) meant = otherToolFlag(command, unknown);
    await writeErr(`orchestrate: ${message}${meant !== undefined ? `; did you mean ${meant}?` : ''}${already !== undefined ? `: ${already}` : ''} (see orchestrate ${command ? `${command.name()} ` : ''}--help)\n`);
    return EXIT.usage;
  }
  if (caught instanceof OrchestrateError && caught.code === 'invalid-workflow') {
    await writeErr(caught.message);
    return caught.exitCode;
  }
  if (caught instanceof OrchestrateError) {
    await writeErr(`orchestrate: ${caught.message}\n`);
    return caught.exitCode;
  }
  const stack = caught instanceof Error ? caught.stack ?? caught.message : String(caught);
  await writeErr(`orchestrate: internal error (this is a bug, please report it)\n${stack}\n`);
  return EXIT.failed;
}
