import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin/orchestrate.cjs');
export const FIXTURES = join(ROOT, 'test/fixtures');
/** ../shared beside the checkout: test data that only developers and CI have. */
export const SHARED = resolve(ROOT, '../shared');
export const hasShared = existsSync(join(SHARED, 'schemas'));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would; never through a shell. */
export function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}): CliResult {
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', CI: '', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeout ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary directory with the given files (path -> content). */
export function tempProject(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'orchestrate-test-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/**
 * A fresh project holding a copy of the repository's workflows/, so that the
 * history of the checkout (a developer's own runs of the examples) never
 * reaches a test's estimates.
 */
export function examplesProject(): string {
  const dir = tempProject({ 'package.json': '{}' });
  cpSync(join(ROOT, 'workflows'), join(dir, 'workflows'), { recursive: true });
  return dir;
}
