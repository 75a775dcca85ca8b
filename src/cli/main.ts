import { killAllProcessGroups } from '../run/kill-process-group.js';
import { prestartSpawners } from '../run/spawner/spawner-client.js';

// A run needs a spawner process: fork it first, so its start-up overlaps ours.
if (process.argv[2] === 'run' && !process.argv.includes('--dry-run') && !process.argv.includes('--help') && !process.argv.includes('-h')) prestartSpawners(1);

const { reportError, runCli } = await import('./program.js');

// Whatever way the runner ends, no task process outlives it.
process.on('exit', killAllProcessGroups);
process.on('uncaughtException', (error) => {
  void reportError(error).then((code) => process.exit(code));
});

process.exitCode = await runCli(process.argv);
