import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';

const workflow = `version: 1
tasks:
  api-test: { run: "true", sources: ["api/**/*.ts"] }
  web-test: { run: "true", sources: [web] }
  deploy-web: { run: "true", needs: web-test }
  docs: { run: "true", sources: [docs/guide.md] }
  report: { run: "true" }
  shard: { run: "true", sources: ["web/\${{ matrix.part }}"], matrix: { part: [a.js, b.js] } }
`;

function repo(): { dir: string; git: (...args: string[]) => string } {
  const dir = tempProject({ '.gitignore': '.orchestrate/\n', 'orchestrate.yaml': workflow, 'api/a.ts': 'a', 'web/a.js': 'a', 'web/b.js': 'b', 'docs/guide.md': 'g' });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'init');
  git('checkout', '-qb', 'feature');
  return { dir, git };
}

const ran = (dir: string, args: string[]) => {
  const r = cli(['run', '--json', ...args], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return { ids: JSON.parse(r.stdout).tasks.map((t: any) => t.id) as string[], note: r.stderr };
};

describe('run --since', () => {
  it('runs the tasks whose sources changed since a git ref, what needs them, and root tasks without sources', () => {
    const { dir, git } = repo();
    // A commit on the branch: web/b.js.
    writeFileSync(join(dir, 'web/b.js'), 'b2');
    git('commit', '-qam', 'web');
    const web = ran(dir, ['--since', 'main']);
    expect(web.ids).toEqual(['web-test', 'deploy-web', 'report', 'shard[b.js]']);
    expect(web.note).toBe('orchestrate: --since main: 1 file changed; 4 of 7 tasks affected, run with what they need\n');
    // Uncommitted and untracked files count; so does a deleted one.
    writeFileSync(join(dir, 'api/new.ts'), 'n');
    rmSync(join(dir, 'docs/guide.md'));
    expect(ran(dir, ['--since', 'main']).ids).toEqual(['api-test', 'web-test', 'deploy-web', 'docs', 'report', 'shard[b.js]']);
    // Narrowed by a selection: what it names, if affected, with what that needs.
    expect(ran(dir, ['deploy-web', '--since', 'main']).ids).toEqual(['web-test', 'deploy-web']);
    expect(ran(dir, ['--only', 'api-test,docs,shard', '--since', 'HEAD']).ids).toEqual(['api-test', 'docs']);
    // Nothing changed that a task reads: a run of nothing, which succeeds.
    git('checkout', '-q', '--', '.');
    rmSync(join(dir, 'api/new.ts'));
    const none = cli(['run', 'docs', '--since', 'HEAD', '--json'], { cwd: dir });
    expect([none.code, JSON.parse(none.stdout).tasks, none.stderr]).toEqual([0, [], 'orchestrate: --since HEAD: 0 files changed; 0 of 1 task affected: nothing to run\n']);
    expect(cli(['plan', 'docs', '--since', 'HEAD'], { cwd: dir }).stdout).toBe('Plan: orchestrate  (0 tasks: nothing to run)\n');
    // The plan of the same selection.
    const plan = JSON.parse(cli(['plan', '--since', 'main', '--json'], { cwd: dir }).stdout);
    expect(plan.tasks.map((t: any) => t.id).sort()).toEqual(['deploy-web', 'report', 'shard[b.js]', 'web-test']);
  });

  it('counts a changed file in a hidden directory or node_modules for a source only when it names them, as the up-to-date check reads sources', () => {
    const dir = tempProject({
      'orchestrate.yaml': 'version: 1\ntasks:\n  all: { run: "true", sources: ["."] }\n  globbed: { run: "true", sources: ["**/*.js"] }\n  ci: { run: "true", sources: [".github/**"] }\n',
      'web/a.js': 'a',
    });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'init');
    // Untracked files there: a .orchestrate an older orchestrate made (no .gitignore in it), a dependency, a cache.
    for (const file of ['.orchestrate/runs/x/events.jsonl', '.orchestrate/runs/x/a.log', 'node_modules/x/i.js', 'web/.cache/a.js']) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), 'x');
    }
    expect(cli(['run', '--json', '--since', 'main'], { cwd: dir }).stderr).toContain('0 of 3 tasks affected: nothing to run');
    // Named, a hidden directory counts.
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github/ci.yml'), 'x');
    expect(ran(dir, ['--since', 'main']).ids).toEqual(['ci']);
    writeFileSync(join(dir, 'web/b.js'), 'b');
    expect(ran(dir, ['--since', 'main']).ids).toEqual(['all', 'globbed', 'ci']);
  });

  it('says what is wrong with the ref or the repository, exit 2, before anything runs', () => {
    const { dir } = repo();
    const bad = cli(['run', '--since', 'nope'], { cwd: dir });
    expect([bad.code, bad.stderr]).toEqual([2, 'orchestrate: --since: "nope" is not a commit git knows here\n']);
    const plain = tempProject({ 'orchestrate.yaml': workflow });
    const outside = cli(['plan', '--since', 'main'], { cwd: plain });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/^orchestrate: --since: \S+ is not in a git repository \(git: fatal: not a git repository/);
  });

  it('says how to fetch the history when a shallow clone (CI\'s fetch-depth: 1) lacks the ref', () => {
    const { dir, git } = repo();
    writeFileSync(join(dir, 'web/b.js'), 'b2');
    git('commit', '-qam', 'web');
    const clone = `${dir}-shallow`;
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'feature', `file://${dir}`, clone]);
    for (const ref of ['main', 'HEAD~1']) {
      const r = cli(['run', '--since', ref], { cwd: clone });
      expect([r.code, r.stderr]).toEqual([2, `orchestrate: --since: "${ref}" is not a commit git knows here, and this clone is shallow (it has only the latest commits): fetch the history it needs (git fetch --unshallow, or git fetch of that branch; in GitHub Actions, actions/checkout with fetch-depth: 0)\n`]);
    }
    // Once fetched, it works.
    execFileSync('git', ['fetch', '-q', '--unshallow'], { cwd: clone });
    expect(ran(clone, ['--since', 'HEAD~1']).ids).toEqual(['web-test', 'deploy-web', 'report', 'shard[b.js]']);
  });
});
