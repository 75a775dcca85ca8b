import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temporary file of a test run — the projects tests write, the runs'
 * private output directories, browser profiles — goes under one directory
 * (TMPDIR, which the spawned CLI processes inherit too), removed when the run
 * ends: repeated runs used to leave thousands of directories in /tmp.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'orchestrate-tests-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
