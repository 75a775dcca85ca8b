import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT, OrchestrateError, UsageError } from '../errors.js';
import { writeErr } from './output.js';
import { packageVersion } from './version.js';

export function parseCount(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${name} must be a whole number, got "${value}".`);
    }
    return n;
  };
}

export function parsePositive(name: string) {
  const count = parseCount(name);
  return (value: string): number => {
    const n = count(value);
    if (n < 1) throw new InvalidArgumentError(`${name} must be at least 1, got ${n}.`);
    return n;
  };
}

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
    .argument('<files...>', 'workflow files or globs (e.g. "workflows/*.yaml")')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json', 'github', 'sarif']).default('stylish'))
    .option('--max-warnings <n>', 'fail (exit 1) when there are more warnings than this', parseCount('--max-warnings'))
    .option('-c, --config <path>', 'config file to use instead of searching for one')
    .option('-q, --quiet', 'report errors only, not warnings')
    .action(async (files: string[], options) => {
      const { lintCommand } = await import('./commands/lint.js');
      setExit(await lintCommand(files, options));
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
    await program.parseAsync(argv);
    return exitCode;
  } catch (caught) {
    return reportError(caught);
  }
}

export async function reportError(caught: unknown): Promise<number> {
  if (caught instanceof CommanderError) {
    if (caught.code === 'commander.helpDisplayed' || caught.code === 'commander.version' || caught.code === 'commander.help') return EXIT.ok;
    const message = caught.message.replace(/^error: /, '').split('\n')[0];
    await writeErr(`orchestrate: ${message} (see orchestrate --help)\n`);
    return EXIT.usage;
  }
  if (caught instanceof UsageError || caught instanceof OrchestrateError) {
    await writeErr(`orchestrate: ${caught.message}\n`);
    return caught.exitCode;
  }
  const stack = caught instanceof Error ? caught.stack ?? caught.message : String(caught);
  await writeErr(`orchestrate: internal error (this is a bug, please report it)\n${stack}\n`);
  return EXIT.failed;
}
