import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';

/** Well-formed enough for CI parsers: one root, every tag closed in order, only known entities. */
function checkXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '').replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  let roots = 0;
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (closing) expect(stack.pop(), `</${name}>`).toBe(name);
    else if (!selfClosing) {
      if (!stack.length) roots++;
      stack.push(name!);
    }
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  for (const e of body.matchAll(/&[^;\s]*;?/g)) expect(['&amp;', '&lt;', '&gt;', '&quot;']).toContain(e[0]);
  expect(body.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]/);
}

const workflow = `version: 1
tasks:
  build: { run: "true" }
  test: { run: "echo token=$API_TOKEN >&2; exit 4", needs: build, retry: { maxAttempts: 2, delay: 10ms } }
  publish: { run: "true", needs: test }
  lint: { run: "exit 1", continueOnError: true }
`;

describe('orchestrate report --format junit', () => {
  it('writes the run as JUnit XML: a test case per task, failures with their message and last lines, skips', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir, env: { API_TOKEN: 'tok-abcdef123' } }).code).toBe(1);
    const r = cli(['report', '--format', 'junit'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\.orchestrate\/runs\/[^/]+\/report\.xml\n$/);
    const xml = readFileSync(join(dir, r.stdout.trim()), 'utf8');
    checkXml(xml);
    expect(xml).toMatch(/<testsuite name="workflow" tests="4" failures="2" errors="0" skipped="1" time="[\d.]+" timestamp="[^"]+" id="[^"]+">/);
    expect(xml).toMatch(/<testcase classname="workflow" name="build" time="[\d.]+"\/>/);
    // The last attempt's last lines, masked, as the run's summary showed them.
    expect(xml).toContain('<failure message="exit code 4" type="failed">attempt 2 of 2: exit code 4\n\nits last lines:\ntoken=***\nattempt 2 failed: exit code 4</failure>');
    expect(xml).toContain('<skipped message="dependency-failed"/>');
    expect(xml).toMatch(/name="lint"[^>]*>\n\s*<failure message="exit code 1 \(continueOnError\)"/);
    expect(xml).not.toContain('tok-abcdef123');
    // They are kept in the history: a report made after the logs are gone still has them.
    const runDir = join(dir, r.stdout.trim(), '..');
    for (const f of readdirSync(runDir).filter((f) => f.endsWith('.log'))) rmSync(join(runDir, f));
    expect(cli(['report', '--format', 'junit', '-o', 'again.xml'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'again.xml'), 'utf8')).toBe(xml);
  });

  it('lists the tasks in the order the run came to them, as logs prints them, not the order they ended in', () => {
    // They end as fast, after, slow; the run comes to slow and fast first (ready at once), then after.
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  slow: { run: "sleep 0.3" }\n  fast: { run: "true" }\n  after: { run: "true", needs: fast }\n' });
    const result = JSON.parse(cli(['run', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(result.tasks.map((t: { id: string }) => t.id)).toEqual(['slow', 'fast', 'after']);
    const xml = readFileSync(join(dir, cli(['report', '--format', 'junit'], { cwd: dir }).stdout.trim()), 'utf8');
    expect([...xml.matchAll(/<testcase classname="workflow" name="(\w+)"/g)].map((m) => m[1])).toEqual(['slow', 'fast', 'after']);
    const html = readFileSync(join(dir, cli(['report'], { cwd: dir }).stdout.trim()), 'utf8');
    expect([...html.matchAll(/<tr><td>(\w+)<\/td>/g)].map((m) => m[1])).toEqual(['slow', 'fast', 'after']);
  });

  it('escapes what XML cannot carry, and replaces only its own reports', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a:\n    matrix: { v: ["<&\\"x\\">"] }\n    run: "printf \'\\\\033[31mred\\\\001 <b>&\\\\n\'; exit 2"\n' });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(1);
    writeFileSync(join(dir, 'mine.xml'), '<notes/>\n');
    const refused = cli(['report', '--format', 'junit', '-o', 'mine.xml'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(readFileSync(join(dir, 'mine.xml'), 'utf8')).toBe('<notes/>\n');
    expect(cli(['report', '--format', 'junit', '-o', 'out.xml'], { cwd: dir }).code).toBe(0);
    expect(cli(['report', '--format', 'junit', '-o', 'out.xml'], { cwd: dir }).code).toBe(0);
    const xml = readFileSync(join(dir, 'out.xml'), 'utf8');
    checkXml(xml);
    expect(xml).toContain('name="a[&lt;&amp;&quot;x&quot;&gt;]"');
    // A failure's last lines without the colour codes, a control character as an escape.
    expect(xml).toContain('its last lines:\nred\\u0001 &lt;b&gt;&amp;\nattempt 1 failed: exit code 2</failure>');
  });
});
