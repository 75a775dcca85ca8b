import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';

const workflow = `version: 1
tasks:
  build: { run: "echo building" }
  lint: { matrix: { files: ["a|b"] }, run: "echo 'bad: 100%, really'; echo token=$API_TOKEN; exit 3" }
  docs: { run: "exit 1", continueOnError: true }
  deploy: { run: "true", needs: lint }
`;

describe('in GitHub Actions', () => {
  it('appends a masked Markdown summary to the job summary and annotates each failed task with its last lines', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow, 'summary.md': '# earlier step\n' });
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), API_TOKEN: 'tok-123456789' };
    const r = cli(['run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir, env });
    expect(r.code).toBe(1);
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    // What an earlier step wrote is kept.
    expect(summary.startsWith('# earlier step\n### ❌ orchestrate: workflow failed\n')).toBe(true);
    expect(summary).toContain('| task | status | time | attempts | note |');
    expect(summary).toMatch(/\| lint\[a\\\|b\] \| ❌ failed \| [\d.]+m?s \| 1 \| exit code 3 \|/);
    expect(summary).toContain('| deploy | ⏭️ skipped | - | 0 | dependency-failed |');
    expect(summary).toContain('token=***');
    expect(summary).not.toContain('tok-123456789');
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toEqual([
      // With the last lines it printed (escaped, masked), without the runner's note that repeats the message.
      expect.stringMatching(/^::error title=orchestrate%3A lint\[a\|b\] failed::exit code 3 \(log: [^%]*\)%0Abad: 100%25, really%0Atoken=\*\*\*$/),
      expect.stringMatching(/^::warning title=orchestrate%3A docs failed::exit code 1 \(log: .*\)$/),
    ]);
  });

  it('says in the job summary the critical path as it ran and what tasks waited for, as the console does', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': 'version: 1\nagents: { solo: { command: "cat > /dev/null; sleep 0.3", concurrency: 1 } }\ntasks:\n  q1: { agent: solo, prompt: a }\n  q2: { agent: solo, prompt: b }\n  q3: { agent: solo, prompt: c }\n',
    });
    const r = cli(['run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') } });
    expect(r.code, r.stderr).toBe(0);
    const said = /^ {2}waited {5}(agent solo: concurrency 1: 2 tasks, \S+ in all, longest q\d \S+)$/m.exec(r.stdout);
    expect(said).not.toBeNull();
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(`\n**Waited:** ${said![1]}\n`);
    // The three tasks of the agent ran one after another: one chain through the waits.
    const critical = /^ {2}critical {3}(q\d => q\d => q\d \(\S+ as it ran; => waited for a limit until the task before ended\))$/m.exec(r.stdout);
    expect(critical, r.stdout).not.toBeNull();
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(`\n**Critical path:** ${critical![1]}\n`);
  });

  it('gives the job summary\'s table a cost column when a task spent anything', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  ask: { run: "echo cost=0.125 >> $ORCHESTRATE_OUTPUT" }\n  free: { run: "true" }\n' });
    const r = cli(['run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') } });
    expect(r.code, r.stderr).toBe(0);
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain('| task | status | time | attempts | cost | note |\n| --- | --- | --- | --- | --- | --- |\n');
    expect(summary).toMatch(/\| ask \| ✅ succeeded \| \S+ \| 1 \| 0\.125 \|  \|\n\| free \| ✅ succeeded \| \S+ \| 1 \| 0 \|  \|\n/);
    expect(summary).toContain(' · cost 0.125 · ');
  });

  it('keeps stdout for JSON, and says when the summary cannot be written', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow });
    writeFileSync(join(dir, 'dir-not-file'), '');
    const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'dir-not-file', 'x.md') } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).status).toBe('failed');
    expect(r.stderr).toMatch(/^orchestrate: warning: the job summary could not be written to .*x\.md: /m);
  });
});
