import { prestartSpawners } from '../run/spawner/spawner-client.js';

// A run needs a spawner process: fork it first, so its start-up overlaps ours.
if (process.argv[2] === 'run' && !process.argv.includes('--dry-run') && !process.argv.includes('--help') && !process.argv.includes('-h')) prestartSpawners(1);

const { reportError, runCli } = await import('./program.js');

// A closed pipe (`orchestrate run w.yaml | head -1`) ends what is printed, not the work: the run
// goes on, recorded in its event file and the history, and exits with its own code.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

process.on('uncaughtException', (error) => {
  void reportError(error).then((code) => process.exit(code));
});

process.exitCode = await runCli(process.argv);
