/**
 * Sends a signal to a whole process group (the task's shell and everything
 * it started). Returns false when the group is already gone.
 */
export function killProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  return send(-pid, signal);
}

/** Sends a signal to one process (one that left its task's group). Returns false when it is already gone. */
export function killProcess(pid: number, signal: NodeJS.Signals): boolean {
  return send(pid, signal);
}

function send(target: number, signal: NodeJS.Signals): boolean {
  // Called after every task's exit, when the group is usually gone already:
  // the ESRCH error then needs no stack trace.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(target, signal);
    return true;
  } catch {
    return false;
  } finally {
    Error.stackTraceLimit = limit;
  }
}
