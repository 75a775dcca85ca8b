import { arch, platform, tmpdir } from 'node:os';

/**
 * `${{ runner.KEY }}` and `runner.KEY` in `when`: the machine a workflow runs
 * on, named as GitHub Actions' `runner` context names it, so a task can be for
 * one platform (Taskfile's `platforms`): `when: runner.os == 'macOS'`.
 */
export const RUNNER_KEYS = ['os', 'arch', 'temp'] as const;

const OS: Record<string, string> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };
const ARCH: Record<string, string> = { x64: 'X64', arm64: 'ARM64', arm: 'ARM', ia32: 'X86' };

/** The values `runner.os` and `runner.arch` may have: GitHub's names, and this machine's own where it has none. */
export function runnerValues(key: string): string[] | undefined {
  const names = key === 'os' ? Object.values(OS) : key === 'arch' ? Object.values(ARCH) : undefined;
  return names && [...new Set([...names, runnerValue(key)!])];
}

/** The value of `runner.KEY` on this machine (os: Linux, macOS; arch: X64, ARM64; temp: the temporary directory); undefined for another key. */
export function runnerValue(key: string): string | undefined {
  switch (key) {
    case 'os':
      return OS[platform()] ?? platform();
    case 'arch':
      return ARCH[arch()] ?? arch().toUpperCase();
    case 'temp':
      return tmpdir();
    default:
      return undefined;
  }
}
