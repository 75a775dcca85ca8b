import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';

const workflow = `version: 1
tasks:
  build: { run: 'cat src.txt > out.txt', sources: [src.txt], artifacts: [out.txt], estimate: 1m }
  ask: { run: 'echo "answer=42" >> "$ORCHESTRATE_OUTPUT"', memoize: true }
  check: { run: 'test -f ok', needs: build }
`;

const outcome = (r: { stdout: string }) => JSON.parse(r.stdout).tasks.map((t: any) => [t.id, t.reason ?? t.status]);

describe('a project that moved, with its .orchestrate/', () => {
  it('keeps its history: resume, up to date, memoized, estimates, and the logs of earlier runs', () => {
    const first = tempProject({ 'package.json': '{}', 'w.yaml': workflow, 'src.txt': 'a' });
    expect(cli(['run', 'w.yaml'], { cwd: first }).code).toBe(1);
    const failed = JSON.parse(cli(['history', '--json'], { cwd: first }).stdout)[0].id;
    // Renamed, as a CI cache is restored into another workspace.
    const moved = join(dirname(first), `${first.split('/').pop()}-moved`);
    renameSync(first, moved);
    writeFileSync(join(moved, 'ok'), '');
    expect(outcome(cli(['run', 'w.yaml', '--resume', '--json'], { cwd: moved }))).toEqual([['build', 'reused'], ['ask', 'reused'], ['check', 'succeeded']]);
    // The success that a resume reused counts for up to date.
    expect(outcome(cli(['run', 'w.yaml', '--json'], { cwd: moved }))).toEqual([['build', 'up-to-date'], ['ask', 'memoized'], ['check', 'succeeded']]);
    // History by file, estimates from history, and the logs of the run recorded before the move.
    expect(JSON.parse(cli(['history', 'w.yaml', '--json'], { cwd: moved }).stdout)).toHaveLength(3);
    const plan = JSON.parse(cli(['plan', 'w.yaml', '--json'], { cwd: moved }).stdout);
    expect(plan.tasks.find((t: any) => t.id === 'check').estimateSource).toBe('history');
    const logs = cli(['logs', failed], { cwd: moved });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain(`${moved}/.orchestrate/runs/${failed}/check.log`);
    expect(existsSync(first)).toBe(false);
  });
});
