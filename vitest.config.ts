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
    // Runs spawned by tests in GitHub Actions must not write to its job summary or annotate its page.
    env: { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' },
  },
});
