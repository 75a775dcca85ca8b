import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeGraph } from '../../src/index.js';
import { MAX_SUMMARY_BYTES } from '../../src/run/task-summary.js';
import { cli, tempProject } from '../helpers/cli.js';
import { filesUnder, runProject, task } from '../helpers/run.js';
import { validator } from '../helpers/schemas.js';

const validateEvent = validator('events');
const validateResult = validator('result');
const SECRET = 'tok-98765-secret';

const workflow = `version: 1
secrets: [MY_TOKEN]
tasks:
  review:
    run: |
      printf '## Review\\n\\n- looks good\\n- token %s\\n' "$MY_TOKEN" >> "$ORCHESTRATE_SUMMARY"
      printf 'colour \\033[31mred\\033[0m\\n' >> "$ORCHESTRATE_SUMMARY"
  long:
    run: seq 1 50 | sed 's/^/line /' > "$ORCHESTRATE_SUMMARY"
  flaky:
    run: echo "attempt $ORCHESTRATE_ATTEMPT" > "$ORCHESTRATE_SUMMARY"; test "$ORCHESTRATE_ATTEMPT" = 2
    retry: { maxAttempts: 2, delay: 10ms }
  once:
    run: if [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then echo first > "$ORCHESTRATE_SUMMARY"; exit 1; fi
    retry: { maxAttempts: 2, delay: 10ms }
  failing:
    run: echo "why it failed" > "$ORCHESTRATE_SUMMARY"; exit 4
  blank:
    run: printf '  \\n\\n' > "$ORCHESTRATE_SUMMARY"
  quiet:
    run: "true"
`;

describe('task summaries ($ORCHESTRATE_SUMMARY)', () => {
  it('keeps what the last attempt wrote, masked, in the result, the events, a file, the history and the reports', () => {
    const r = runProject({ 'workflow.yaml': workflow }, [], { MY_TOKEN: SECRET });
    expect(r.code, r.stderr).toBe(1);
    expect(validateResult(r.result), JSON.stringify(validateResult.errors)).toBe(true);
    expect(task(r.result, 'review').summary).toBe('## Review\n\n- looks good\n- token ***\ncolour \u001b[31mred\u001b[0m\n');
    expect(task(r.result, 'long').summary.split('\n')).toHaveLength(51);
    // The last attempt's own: an earlier attempt's summary does not stay when the last wrote none.
    expect(task(r.result, 'flaky').summary).toBe('attempt 2\n');
    expect(task(r.result, 'once').summary).toBeUndefined();
    expect(task(r.result, 'once').summaryFile).toBeUndefined();
    expect(task(r.result, 'failing').summary).toBe('why it failed\n');
    expect(task(r.result, 'blank').summary).toBeUndefined();
    expect(task(r.result, 'quiet').summary).toBeUndefined();
    // Beside the log, in the run's directory.
    const file = task(r.result, 'review').summaryFile;
    expect(file).toBe(join(r.result.logDir, 'review.summary.md'));
    expect(readFileSync(file, 'utf8')).toBe(task(r.result, 'review').summary);
    expect(existsSync(join(r.result.logDir, 'once.summary.md'))).toBe(false);
    // On the terminal event of the task, and only there.
    for (const e of r.events) expect(validateEvent(e), JSON.stringify(validateEvent.errors)).toBe(true);
    const carrying = r.events.filter((e) => e.summary !== undefined).map((e) => [e.type, e.taskId]);
    expect(carrying.sort()).toEqual([['task.failed', 'failing'], ['task.succeeded', 'flaky'], ['task.succeeded', 'long'], ['task.succeeded', 'review']]);
    // The history has them: the reports of the run, written later, show them.
    expect(cli(['report'], { cwd: r.dir }).code).toBe(0);
    const html = readFileSync(join(r.result.logDir, 'report.html'), 'utf8');
    expect(html).toContain('<h3 class="summary-of">review</h3>\n<pre class="summary">## Review\n\n- looks good\n- token ***');
    expect(html).toContain('<pre class="summary">why it failed\n</pre>');
    expect(cli(['report', '--format', 'junit'], { cwd: r.dir }).code).toBe(0);
    const junit = readFileSync(join(r.result.logDir, 'report.xml'), 'utf8');
    // XML cannot carry the escape character: it is dropped.
    expect(junit).toContain('<testcase classname="workflow" name="review"');
    expect(junit).toContain('<system-out>## Review\n\n- looks good\n- token ***\ncolour [31mred[0m\n</system-out>');
    expect(junit).toMatch(/<failure [^>]*>[^<]*<\/failure>\n {6}<system-out>why it failed\n<\/system-out>\n {4}<\/testcase>/);
    expect(junit).toMatch(/<testcase classname="workflow" name="quiet" time="[\d.]+"\/>/);
    // No secret anywhere the run wrote: logs, events, summaries, the database.
    for (const f of filesUnder(join(r.dir, '.orchestrate'))) expect(readFileSync(f, 'latin1'), f).not.toContain(SECRET);
  });

  it('prints them after the run, at most 20 lines each, escaped, and adds them to GitHub\'s job summary', () => {
    const dir = tempProject({ 'workflow.yaml': workflow });
    const summary = join(dir, 'job-summary.md');
    const r = cli(['run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir, env: { MY_TOKEN: SECRET, GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('\n▸ review: summary\n  | ## Review\n  |\n  | - looks good\n  | - token ***\n  | colour \\u001b[31mred\\u001b[0m\n');
    expect(r.stdout).toContain('  | line 20\n  ... 30 more lines in ');
    expect(r.stdout).not.toContain('line 21');
    expect(r.stdout).toMatch(/more lines in \S+long\.summary\.md\n/);
    expect(r.stdout).toContain('\n▸ failing: summary\n  | why it failed\n');
    expect(r.stdout).not.toContain('▸ quiet');
    expect(r.stdout).not.toContain('▸ once');
    // Summaries come before the failures' log tails, which end the report.
    expect(r.stdout.indexOf('▸ failing: summary')).toBeLessThan(r.stdout.indexOf('✖ failing: exit code 4'));
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('\n#### review\n\n## Review\n\n- looks good\n- token ***\n');
    expect(md).toContain('\n#### long\n\nline 1\n');
    expect(md).toContain('line 50\n');
    expect(md).not.toContain(SECRET);
  });

  it('keeps the first 1 MB of a larger summary, never a secret cut in two, and says so', () => {
    // The secret starts 3 bytes before the cut: kept, it would show its first 3 characters.
    const r = runProject({
      'workflow.yaml': `version: 1
secrets: [MY_TOKEN]
tasks:
  big:
    run: "{ head -c ${MAX_SUMMARY_BYTES - 3} /dev/zero | tr '\\\\0' a; printf '%s' \\"$MY_TOKEN\\"; head -c 500000 /dev/zero | tr '\\\\0' b; } > \\"$ORCHESTRATE_SUMMARY\\""
  huge:
    run: "head -c 3000000 /dev/zero | tr '\\\\0' c > \\"$ORCHESTRATE_SUMMARY\\""
`,
    }, [], { MY_TOKEN: SECRET });
    expect(r.code, r.stderr).toBe(0);
    const big = task(r.result, 'big').summary as string;
    const note = `\n\n(cut: only the first ${MAX_SUMMARY_BYTES} bytes of the summary are kept)\n`;
    expect(big.endsWith(note)).toBe(true);
    const kept = big.slice(0, -note.length);
    expect(Buffer.byteLength(kept)).toBe(MAX_SUMMARY_BYTES);
    expect(kept.endsWith('a***')).toBe(true);
    expect(big).not.toContain(SECRET.slice(0, 3));
    const huge = task(r.result, 'huge').summary as string;
    expect(huge).toBe('c'.repeat(MAX_SUMMARY_BYTES) + note);
    expect(readFileSync(task(r.result, 'huge').logFile, 'utf8')).toContain(`its summary ($ORCHESTRATE_SUMMARY) was cut to its first ${MAX_SUMMARY_BYTES} bytes`);
  });

  it('takes an in-process agent\'s returned summary, masked; one that is not text is ignored, saying so', async () => {
    const result = await executeGraph({
      tasks: [
        { id: 'write', agent: () => ({ run: () => ({ summary: `done with ${SECRET}` }) }) },
        { id: 'odd', agent: () => ({ run: () => ({ summary: { text: 'x' } as unknown as string }) }) },
      ],
    }, { cwd: tempProject({}), env: { MY_TOKEN: SECRET }, secrets: ['MY_TOKEN'] });
    expect(result.status).toBe('succeeded');
    expect(result.tasks.find((t) => t.id === 'write')!.summary).toBe('done with ***');
    const odd = result.tasks.find((t) => t.id === 'odd')!;
    expect(odd.summary).toBeUndefined();
    expect(readFileSync(odd.logFile!, 'utf8')).toContain('summary ignored: an object, not text');
  });

  it('shows again the summary of the success a task stands for when it is reused, up to date or memoized, marked as an earlier run\'s', () => {
    // An agent that counts its calls and says which call wrote its findings.
    const dir = tempProject({
      'package.json': '{}',
      'src.txt': 'v1\n',
      'agent.sh': '#!/bin/sh\necho call >> calls.txt\necho "findings of call $(wc -l < calls.txt)" > "$ORCHESTRATE_SUMMARY"\necho answer\n',
      'w.yaml': `version: 1
agents:
  llm: { command: ./agent.sh, captureStdout: answer, memoize: true }
tasks:
  review: { agent: llm, prompt: "review" }
  build: { run: 'echo "built $(cat src.txt)" > "$ORCHESTRATE_SUMMARY"', sources: [src.txt] }
  gate: { run: 'echo "gate" > "$ORCHESTRATE_SUMMARY"; test -f ok', needs: [review, build] }
`,
    });
    chmodSync(join(dir, 'agent.sh'), 0o755);
    const run = (...args: string[]) => {
      const r = cli(['run', 'w.yaml', '--renderer', 'simple', '--result', 'result.json', ...args], { cwd: dir, env: { GITHUB_STEP_SUMMARY: join(dir, 'job.md') } });
      const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
      expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
      const events = readFileSync(join(result.logDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      for (const e of events) expect(validateEvent(e), JSON.stringify(validateEvent.errors)).toBe(true);
      const shown = (id: string) => {
        const t = task(result, id);
        const ended = events.find((e) => e.taskId === id && e.type === `task.${t.status}`);
        // The same text in the result, its file in this run's directory and the terminal event.
        if (t.summary !== undefined) expect([t.summaryFile, readFileSync(t.summaryFile, 'utf8'), ended.summary]).toEqual([join(result.logDir, `${id}.summary.md`), t.summary, t.summary]);
        else expect(ended.summary).toBeUndefined();
        return [t.reason ?? t.status, t.summary];
      };
      return { code: r.code, stdout: r.stdout, shown };
    };

    const first = run();
    expect(first.code).toBe(1);
    expect([first.shown('review'), first.shown('build'), first.shown('gate')]).toEqual([['succeeded', 'findings of call 1\n'], ['succeeded', 'built v1\n'], ['failed', 'gate\n']]);

    // A resume reuses the two that succeeded: their summaries are those of the run it resumes.
    writeFileSync(join(dir, 'ok'), '');
    const resumed = run('--resume');
    expect(resumed.code).toBe(0);
    expect([resumed.shown('review'), resumed.shown('build'), resumed.shown('gate')]).toEqual([['reused', 'findings of call 1\n'], ['reused', 'built v1\n'], ['succeeded', 'gate\n']]);
    expect(resumed.stdout).toContain('\n▸ review: summary (reused: from an earlier run)\n  | findings of call 1\n');
    expect(resumed.stdout).toContain('\n▸ gate: summary\n  | gate\n');

    // A new run: the review is memoized, the build up to date; neither runs, both show what they said.
    const again = run();
    expect(again.code).toBe(0);
    expect([again.shown('review'), again.shown('build')]).toEqual([['memoized', 'findings of call 1\n'], ['up-to-date', 'built v1\n']]);
    expect(again.stdout).toContain('\n▸ review: summary (memoized: from an earlier run)\n  | findings of call 1\n');
    expect(again.stdout).toContain('\n▸ build: summary (up to date: from an earlier run)\n  | built v1\n');
    expect(readFileSync(join(dir, 'job.md'), 'utf8')).toContain('\n#### review (memoized: from an earlier run)\n\nfindings of call 1\n');
    expect(readFileSync(join(dir, 'calls.txt'), 'utf8')).toBe('call\n');

    // Kept by the run that replayed it: the next one finds it again, and the report shows it.
    expect(run().shown('review')).toEqual(['memoized', 'findings of call 1\n']);
    expect(cli(['report', '-o', 'report.html'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<pre class="summary">findings of call 1\n</pre>');

    // A change runs them again, and their summaries are new.
    writeFileSync(join(dir, 'src.txt'), 'v2\n');
    expect(run('--force').shown('review')).toEqual(['succeeded', 'findings of call 2\n']);
    expect(run().shown('build')).toEqual(['up-to-date', 'built v2\n']);
  });

  it('keeps a report\'s summaries to 16 MB, and GitHub\'s job summary to 768 KB, saying where the rest are', () => {
    // 28 tasks of 600 KB each: 27 fit in 16 MB.
    const tasks = Array.from({ length: 28 }, (_, i) => `  t${String(i).padStart(2, '0')}: { run: "head -c 600000 /dev/zero | tr '\\\\0' x > \\"$ORCHESTRATE_SUMMARY\\"" }\n`).join('');
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1\npolicy: { maxConcurrency: 4 }\ntasks:\n${tasks}` });
    const r = cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: join(dir, 'job.md') } });
    expect(r.code).toBe(0);
    const job = readFileSync(join(dir, 'job.md'), 'utf8');
    expect(job.match(/^#### t\d\d$/gm)).toEqual(['#### t00']);
    expect(job).toMatch(/_27 more task summaries are in the run's report: `orchestrate report \S+`\._/);
    expect(cli(['report', '-o', 'report.html'], { cwd: dir }).code).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.match(/<pre class="summary">/g)).toHaveLength(27);
    expect(html).not.toContain('<h3 class="summary-of">t27</h3>');
    expect(html).toContain('<p class="summary-left">1 more task summary is not shown: the page holds at most 16 MB of them; each is in its task\'s <code>.summary.md</code> file beside its log.</p>');
    expect(cli(['report', '--format', 'junit', '-o', 'report.xml'], { cwd: dir }).code).toBe(0);
    const junit = readFileSync(join(dir, 'report.xml'), 'utf8');
    expect(junit.match(/<system-out>x{600000}<\/system-out>/g)).toHaveLength(27);
    expect(junit).toContain("<system-out>(its summary is not in this file, which holds at most 16 MB of summaries: it is in t27's .summary.md file beside its log)</system-out>");
  }, 60_000);
});
