// A run's spawner is forked by the CLI's start (start-bundle.cts), before this is loaded.

// No top-level await: the CLI is bundled as CommonJS, which V8 can cache compiled (see start-bundle.cts).
void main();

async function main(): Promise<void> {
  const { reportError, runCli } = await import('./program.js');

  // A closed pipe (`orchestrate run w.yaml | head -1`) ends what is printed, not the work: the run
  // goes on, recorded in its event file and the history, and exits with its own code. Output that
  // could not be written for another reason (`--json > result.json` on a full disk) is said, and a
  // command that would have succeeded exits 2, as GNU tools exit non-zero on a write error.
  let lost: NodeJS.ErrnoException | undefined;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') lost ??= error;
  });
  process.stderr.on('error', () => undefined);

  process.on('uncaughtException', (error) => {
    void reportError(error).then((code) => process.exit(code));
  });

  const code = await runCli(process.argv);
  if (lost) {
    const { EXIT, ioReason } = await import('../errors.js');
    process.stderr.write(`orchestrate: cannot write standard output: ${ioReason(lost)}; what it printed is incomplete\n`);
    process.exitCode = code === EXIT.ok ? EXIT.usage : code;
  } else {
    process.exitCode = code;
  }
}
