/**
 * Sends a signal to a whole process group (the task's shell and everything
 * it started). Returns false when the group is already gone.
 */
export function killProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}
