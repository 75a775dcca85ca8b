import { killAllProcessGroups } from '../run/kill-process-group.js';
import { reportError, runCli } from './program.js';

// Whatever way the runner ends, no task process outlives it.
process.on('exit', killAllProcessGroups);
process.on('uncaughtException', (error) => {
  void reportError(error).then((code) => process.exit(code));
});

process.exitCode = await runCli(process.argv);
