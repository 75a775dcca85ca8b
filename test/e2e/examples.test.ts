import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, examplesProject, ROOT } from '../helpers/cli.js';

const examples = readdirSync(join(ROOT, 'workflows')).filter((f) => f.endsWith('.yaml'));

describe('the example workflows', () => {
  const dir = examplesProject();

  for (const file of examples) {
    it(`${file} lints clean and runs to success`, () => {
      expect(cli(['lint', `workflows/${file}`], { cwd: dir }).code).toBe(0);
      const r = cli(['run', `workflows/${file}`, '--json'], { cwd: dir, env: { GITHUB_TOKEN: 'example-token-value' } });
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.status).toBe('succeeded');
      if (file === 'speedup.yaml') expect(result.metrics.speedupVsSerial).toBeGreaterThan(3);
      if (file === 'retries.yaml') {
        expect(result.tasks[0].attempts).toBe(3);
        // A chain: one task at a time waits out the same retry delays, so it is about as fast as serial (counting attempts alone made it 0.03x).
        expect(result.metrics.speedupVsSerial).toBeGreaterThan(0.5);
        expect(result.metrics.speedupVsSerial).toBeLessThanOrEqual(1.01);
      }
      if (file === 'incremental-build.yaml') {
        expect(result.tasks.find((t: any) => t.id === 'package')).toMatchObject({ status: 'skipped', reason: 'condition' });
        const again = JSON.parse(cli(['run', `workflows/${file}`, '--json'], { cwd: dir }).stdout);
        expect(again.tasks.filter((t: any) => t.reason === 'up-to-date').map((t: any) => t.id)).toEqual(['compile', 'test']);
      }
      if (file === 'review-fanout.yaml') {
        expect(result.tasks.filter((t: any) => t.id.startsWith('review[')).map((t: any) => [t.id, t.status])).toEqual([
          ['review[scripts/audit.sh]', 'succeeded'], ['review[scripts/check-prs.sh]', 'succeeded'], ['review[scripts/notify.sh]', 'succeeded'],
        ]);
        // Each review wrote its findings for people.
        expect(result.tasks.find((t: any) => t.id === 'review[scripts/notify.sh]').summary).toBe('**review[scripts/notify.sh]**: approve, no problems found.\n');
        expect(r.stdout).not.toContain('▸');
        // The fan-in got every verdict.
        expect(readFileSync(result.tasks.find((t: any) => t.id === 'summarize').logFile, 'utf8')).toContain('out| verdicts of the reviews: ["approve","approve","approve"]');
      }
      if (file === 'service-mock-api.yaml') {
        const tasks = Object.fromEntries(result.tasks.map((t: any) => [t.id, t]));
        expect(tasks['mock-api'].outputs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(tasks.title.outputs.answer).toBe('Give the release a title (5 words read)');
        expect(readFileSync(tasks.publish.logFile, 'utf8')).toContain('out| Give the release a title (5 words read): Write the release notes (8 words read)');
        // It answered both agents, and was stopped (SIGTERM) before the run ended.
        const log = readFileSync(tasks['mock-api'].logFile, 'utf8');
        expect(log.match(/answered a prompt/g)).toHaveLength(2);
        expect(log).toContain('out| stopping');
        // Run again, the agents' answers are memoized, so the API they would ask is not started.
        const again = JSON.parse(cli(['run', `workflows/${file}`, '--json'], { cwd: dir }).stdout);
        expect(again.tasks.map((t: any) => `${t.id}:${t.reason}`)).toEqual(['mock-api:not-needed', 'title:memoized', 'notes:memoized', 'publish:undefined']);
        expect(readFileSync(again.tasks.find((t: any) => t.id === 'publish').logFile, 'utf8')).toContain('out| Give the release a title (5 words read): Write the release notes (8 words read)');
      }
      if (file === 'release.yaml') {
        expect(result.tasks.map((t: any) => [t.id, t.status])).toEqual([
          ['build', 'succeeded'], ['release', 'succeeded'], ['docs.toc', 'succeeded'],
          ['docs.render[intro]', 'succeeded'], ['docs.render[usage]', 'succeeded'], ['docs.render[api]', 'succeeded'],
          ['manual.toc', 'succeeded'], ['manual.render[intro]', 'succeeded'], ['manual.render[usage]', 'succeeded'], ['manual.render[api]', 'succeeded'],
        ]);
        expect(readFileSync(result.tasks.find((t: any) => t.id === 'docs.render[api]').logFile, 'utf8')).toContain('out| rendering api as html in parts/');
        expect(readFileSync(result.tasks.find((t: any) => t.id === 'manual.render[api]').logFile, 'utf8')).toContain('out| rendering api as pdf in parts/');
        expect(readFileSync(result.tasks.find((t: any) => t.id === 'release').logFile, 'utf8')).toContain('out| releasing with the pages: intro usage api');
      }
      if (file === 'failure-handling.yaml') {
        expect(result.tasks.find((t: any) => t.id === 'optional-lint')).toMatchObject({ status: 'failed', allowedFailure: true });
        expect(result.tasks.find((t: any) => t.id === 'rollback')).toMatchObject({ status: 'skipped', reason: 'no-failure' });
        expect(readFileSync(result.tasks.find((t: any) => t.id === 'notify').logFile, 'utf8')).toContain('out| deploy finished; smoke test succeeded, lint failed');
      }
    });
  }
});
