import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { BIN, cli, tempProject } from '../helpers/cli.js';
import { openSqlite } from '../helpers/sqlite.js';
import { waitFor } from '../helpers/wait.js';

// A history its reader cannot write: another user's project, a read-only checkout or mount. Root may
// write anything, so as root the CLI runs in a user namespace of its own (unshare -U), where it is
// not root for these files and their owner's write bits decide, as for any other user.
const ROOT_USER = process.getuid?.() === 0;
const NAMESPACES = !ROOT_USER || spawnSync('unshare', ['-U', 'true']).status === 0;

function asReader(dir: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const [command, prefix] = ROOT_USER ? ['unshare', ['-U', process.execPath]] : [process.execPath, []];
  const r = spawnSync(command, [...prefix, BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Takes the write bits off the history and its directory while `body` runs. */
function readOnly(dir: string, body: () => void): void {
  const files = [join(dir, '.orchestrate/state.db'), join(dir, '.orchestrate')];
  for (const f of files) chmodSync(f, 0o555);
  try {
    body();
  } finally {
    for (const f of files) chmodSync(f, 0o755);
  }
}

describe.skipIf(!NAMESPACES)('a run history that cannot be written (as root: needs unshare -U)', () => {
  it('is read by history, status, stats, logs, report and plan, and refused by run and prune with one line; it stays as it was', () => {
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': 'version: 1\ntasks:\n  a: { run: "sleep 0.3; echo from-a" }\n  b: { run: "echo from-b", needs: [a] }\n' });
    expect(cli(['run', 'w.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    expect(cli(['run', 'w.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const before = sha(join(dir, '.orchestrate/state.db'));
    const entries = readdirSync(join(dir, '.orchestrate')).sort();
    readOnly(dir, () => {
      const history = asReader(dir, ['history', '--json']);
      expect(history.code, history.stderr).toBe(0);
      expect(JSON.parse(history.stdout).map((r: any) => r.status)).toEqual(['succeeded', 'succeeded']);
      expect(asReader(dir, ['status']).stdout).toMatch(/succeeded after/);
      expect(JSON.parse(asReader(dir, ['stats', 'w.yaml', '--json']).stdout).tasks.map((t: any) => t.name).sort()).toEqual(['a', 'b']);
      expect(asReader(dir, ['logs', '--task', 'a']).stdout).toContain('from-a');
      const report = asReader(dir, ['report', '-o', join(dir, 'report.html')]);
      expect(report.code, report.stderr).toBe(0);
      expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(JSON.parse(history.stdout)[0].id);
      // The plan's estimates come from the history.
      const plan = JSON.parse(asReader(dir, ['plan', 'w.yaml', '--json']).stdout);
      expect(plan.tasks.map((t: any) => [t.id, t.estimateSource])).toEqual([['a', 'history'], ['b', 'history']]);
      for (const args of [['run', 'w.yaml'], ['prune', '--keep', '0']]) {
        const r = asReader(dir, args);
        expect([args[0], r.code, r.stderr]).toEqual([args[0], 2, `orchestrate: cannot write the state file ${join(dir, '.orchestrate/state.db')}: permission denied (its owner can; pass --state PATH for a history of your own)\n`]);
      }
    });
    expect(sha(join(dir, '.orchestrate/state.db'))).toBe(before);
    expect(readdirSync(join(dir, '.orchestrate')).sort()).toEqual(entries);
  });

  // Only root's own run writes on while others cannot: a user's run could not write a history its owner cannot.
  it.skipIf(!ROOT_USER)('is read in place while its owner\'s run is going on: the reader sees it running', async () => {
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': 'version: 1\ntasks:\n  slow: { run: "sleep 6" }\n' });
    const run = spawn(process.execPath, [BIN, 'run', 'w.yaml', '--renderer', 'silent'], { cwd: dir });
    const exited = new Promise((resolve) => run.on('exit', resolve));
    try {
      await waitFor(() => /running/.test(cli(['status'], { cwd: dir }).stdout), 'the run to go on', 30_000);
      readOnly(dir, () => {
        const status = asReader(dir, ['status']);
        expect(status.code, status.stderr).toBe(0);
        expect(status.stdout).toMatch(/^run \S+ \(w\) running for /);
        expect(status.stdout).toMatch(/running {2}slow/);
      });
    } finally {
      await exited;
    }
    expect(cli(['status'], { cwd: dir }).stdout).toMatch(/succeeded after/);
  }, 60_000);

  it('is read when written by an older orchestrate, brought up to date in memory, not in the file', () => {
    const dir = tempProject({ 'package.json': '{}' });
    const path = join(dir, '.orchestrate/state.db');
    expect(cli(['init', 'w.yaml'], { cwd: dir }).code).toBe(0);
    expect(cli(['run', 'w.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    // The same history at the schema before this one: what the last migration added is taken away.
    const columns = "SELECT m.name AS t, c.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table'";
    const older = openSqlite(':memory:');
    for (const migration of MIGRATIONS.slice(0, -1)) older.exec(migration);
    const had = new Set((older.prepare(columns).all() as Array<{ t: string; c: string }>).map((x) => `${x.t}.${x.c}`));
    const tables = new Set((older.prepare(columns).all() as Array<{ t: string }>).map((x) => x.t));
    older.close();
    const db = openSqlite(path);
    for (const { t, c } of db.prepare(columns).all() as Array<{ t: string; c: string }>) {
      if (!tables.has(t)) db.exec(`DROP TABLE IF EXISTS ${t}`);
      else if (!had.has(`${t}.${c}`)) db.exec(`ALTER TABLE ${t} DROP COLUMN ${c}`);
    }
    db.pragma(`user_version = ${MIGRATIONS.length - 1}`);
    db.exec("DELETE FROM meta WHERE key = 'schema_checked'");
    db.close();
    const before = sha(path);
    readOnly(dir, () => {
      const r = asReader(dir, ['history', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).map((run: any) => run.status)).toEqual(['succeeded']);
    });
    expect(sha(path)).toBe(before);
  });
});
