import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The few CommonJS modules (.cts: what the CLI's start needs before its bundle) are TypeScript too.
  oxc: { include: /\.(m?ts|cts|[jt]sx)$/ },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/stop-leftovers.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker less than the CPUs: one, on the 2-core machines CI runs on,
    // where the suite then took ~8 minutes, most of it waiting on real processes and sleeps. Two
    // files at once there halve it; test files never share a project directory, port or marker.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Runs spawned by tests in GitHub Actions must not write to its job summary or annotate its page.
    env: { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' },
  },
});
