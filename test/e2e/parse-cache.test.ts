import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Puts `value` in a kept entry, with the hash of its JSON, as the run would have written it. */
const replaceKept = (entry: string, value: unknown) => {
  const json = JSON.stringify(value);
  writeFileSync(entry, `${sha256(json)}\n${json}`);
};

const kept = (dir: string) => {
  const where = join(dir, '.orchestrate/cache/parsed');
  return existsSync(where) ? readdirSync(where).map((name) => join(where, name)) : [];
};

describe('parsed workflows kept between runs', () => {
  it('are used by the next run of the same text, and a changed file is parsed again', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo one > out.txt" }\n' });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    const [entry] = kept(dir);
    expect(kept(dir)).toHaveLength(1);
    // The value as JSON, after the hash of that JSON.
    const [hash, json] = readFileSync(entry!, 'utf8').split('\n');
    expect(JSON.parse(json!)).toEqual({ version: 1, tasks: { a: { run: 'echo one > out.txt' } } });
    expect(hash).toBe(sha256(json!));
    // The next run takes the kept value for the unchanged text instead of parsing it: shown by changing what is kept.
    replaceKept(entry!, { version: 1, tasks: { a: { run: 'echo kept > out.txt' } } });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('kept\n');
    // A changed file is another text: parsed, and kept beside the first.
    writeFileSync(join(dir, 'workflow.yaml'), 'version: 1\ntasks:\n  a: { run: "echo two > out.txt" }\n');
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('two\n');
    expect(kept(dir)).toHaveLength(2);
  });

  it('are parsed again when what is kept is damaged, and not kept by plan, lint or a dry run', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo one > out.txt" }\n' });
    for (const args of [['plan', 'workflow.yaml'], ['lint', 'workflow.yaml'], ['run', 'workflow.yaml', '--dry-run']]) {
      expect(cli(args, { cwd: dir }).code).toBe(0);
      expect(kept(dir)).toEqual([]);
    }
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    const [entry] = kept(dir);
    const [hash, json] = readFileSync(entry!, 'utf8').split('\n');
    // Cut short, or changed on disk without its hash: the text is parsed again.
    for (const damaged of [`${hash}\n${json!.slice(0, 20)}`, `${hash}\n${json!.replace('one', 'two')}`]) {
      writeFileSync(entry!, damaged);
      const r = cli(['run', 'workflow.yaml'], { cwd: dir });
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('one\n');
    }
  });

  it('are read by plan, graph, list and a dry run of the same text, which keep nothing themselves', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo one > out.txt" }\n' });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    const [entry] = kept(dir);
    // Shown by changing what is kept: another command and another task.
    replaceKept(entry!, { version: 1, tasks: { a: { run: 'echo kept > out.txt' }, b: { run: 'true', needs: 'a' } } });
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json', '--commands'], { cwd: dir }).stdout);
    expect(plan.tasks.map((t: any) => [t.id, t.command])).toEqual([['a', 'echo kept > out.txt'], ['b', 'true']]);
    const dry = JSON.parse(cli(['run', 'workflow.yaml', '--dry-run', '--json'], { cwd: dir }).stdout);
    expect(dry.tasks.map((t: any) => t.id)).toEqual(['a', 'b']);
    expect(JSON.parse(cli(['graph', 'workflow.yaml', '-f', 'json'], { cwd: dir }).stdout).edges.map((e: any) => [e.from, e.to])).toEqual([['a', 'b']]);
    expect(JSON.parse(cli(['list', 'workflow.yaml', '--json'], { cwd: dir }).stdout).tasks.map((t: any) => t.id)).toEqual(['a', 'b']);
    // lint checks the file itself, always.
    expect(cli(['lint', 'workflow.yaml', '-f', 'json'], { cwd: dir }).stdout).not.toContain('"b"');
    expect(kept(dir)).toEqual([entry]);
  });

  it('are kept before the first task starts, so a first task that deletes .orchestrate races no write there', () => {
    const dir = tempProject({ 'package.json': '{}' });
    // Another text each run, so each keeps one. Written just after the first task started, the entry made a first
    // task's rm fail "Directory not empty" now and then (4 in 60 runs by hand): a race, which this test catches rarely.
    for (let i = 0; i < 4; i++) {
      writeFileSync(join(dir, 'workflow.yaml'), `version: 1\nname: clean${i}\ntasks:\n  clean: { run: "ls .orchestrate/cache/parsed > seen.txt && rm -rf .orchestrate" }\n`);
      const r = cli(['run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir });
      expect([r.code, r.stdout]).toEqual([0, expect.not.stringContaining('rm: ')]);
      // There when the task started.
      expect(readFileSync(join(dir, 'seen.txt'), 'utf8')).toMatch(/^[0-9a-f]{64}\.json\n$/);
    }
  });

  it('keep only what JSON gives back exactly: not a file whose YAML aliases share a value', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
tasks:
  a: { run: "echo $WHO > a.txt", env: &who { WHO: me } }
  b: { run: "echo $WHO > b.txt", env: *who }
` });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('me\n');
    expect(kept(dir)).toEqual([]);
  });

  it('keep an included file as a text of its own, and parse it again when it changes', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': 'version: 1\ninclude:\n  docs: docs/workflow.yaml\ntasks:\n  ship: { needs: docs.build, run: "cat docs/page.txt > shipped.txt" }\n',
      'docs/workflow.yaml': 'version: 1\ntasks:\n  build: { run: "echo v1 > page.txt" }\n',
    });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    expect(kept(dir)).toHaveLength(2);
    writeFileSync(join(dir, 'docs/workflow.yaml'), 'version: 1\ntasks:\n  build: { run: "echo v2 > page.txt" }\n');
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'shipped.txt'), 'utf8')).toBe('v2\n');
    expect(kept(dir)).toHaveLength(3);
  });

  it('keep no file that holds the value of a secret', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "test -n \\"$DEPLOY_TOKEN\\"", env: { DEPLOY_TOKEN: tok-in-the-file-77 } }\n' });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    expect(kept(dir)).toEqual([]);
  });
});
