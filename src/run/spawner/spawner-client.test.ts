import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { startsTasks } from './fork-spawner.cjs';
import { LAZY_START_MS } from './protocol.js';
import { BUSY_STARTS, MAX_SPAWNERS, prestartSpawners, SpawnerClient } from './spawner-client.js';

// Real spawner processes and real task processes: each task reports its parent, the spawner that started it.
const dir = mkdtempSync(join(tmpdir(), 'spawners-'));
let n = 0;
function start(client: SpawnerClient, command = 'true', onStarted?: (ago: number) => void) {
  const k = n++;
  const outputFile = join(dir, `${k}.env`);
  return client.spawn({
    command: `${command}; echo ppid=$PPID >> "$ORCHESTRATE_OUTPUT"`, cwd: dir, env: { ORCHESTRATE_OUTPUT: outputFile },
    logFile: join(dir, `${k}.log`), header: `task ${k}`, outputFile, summaryFile: join(dir, `${k}.md`),
  }, undefined, onStarted).done;
}
const baseEnv = () => Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));

describe('SpawnerClient', () => {
  it('uses one spawner while tasks start slowly', async () => {
    const client = new SpawnerClient([], baseEnv());
    try {
      const parents = new Set<string>();
      for (let round = 0; round < 3; round++) {
        const reports = await Promise.all(Array.from({ length: 4 }, () => start(client, 'sleep 0.15')));
        for (const r of reports) parents.add(r.outputs.ppid!);
      }
      expect(parents.size).toBe(1);
    } finally {
      client.close();
    }
  });

  it('adopts the spawner forked ahead of the run (as the CLI\'s start forks one) instead of forking its own', async () => {
    prestartSpawners(1);
    prestartSpawners(1);
    // Where the CLI's start and the bundle both find it.
    const waiting = (globalThis as Record<symbol, ChildProcess[]>)[Symbol.for('orchestrate.prestarted-spawners')]!;
    expect(waiting).toHaveLength(1);
    const ahead = waiting[0]!.pid;
    const client = new SpawnerClient([], baseEnv());
    try {
      const report = await start(client);
      expect(report.outputs.ppid).toBe(String(ahead));
      expect(waiting).toHaveLength(0);
    } finally {
      client.close();
    }
  });

  it('says a start with the next message (a short task\'s exit), or once LAZY_START_MS have passed, with how long ago it was', async () => {
    const client = new SpawnerClient([], baseEnv());
    try {
      const seen: string[] = [];
      await start(client, 'true', (ago) => seen.push(`started ${ago >= 0}`)).then(() => seen.push('ended'));
      expect(seen).toEqual(['started true', 'ended']);
      // A task that runs on: nothing else to say, so its start is said once the spawner has waited long enough, while it runs.
      let told: number | undefined;
      const report = await start(client, 'sleep 1', (ago) => {
        told = ago;
      }).then((r) => ({ r, toldBeforeEnd: told }));
      expect(report.toldBeforeEnd).toBeGreaterThanOrEqual(LAZY_START_MS - 2);
      expect(report.r.code).toBe(0);
    } finally {
      client.close();
    }
  });

  it('forks a spawner ahead only for a run that starts tasks', () => {
    const argv = (...args: string[]) => ['node', 'orchestrate', ...args];
    expect(startsTasks(argv('run', 'ci.yaml'))).toBe(true);
    expect(startsTasks(argv('run', '-n', '2'))).toBe(true);
    for (const no of [argv('run', '--dry-run'), argv('run', '--help'), argv('run', '-h'), argv('plan', 'ci.yaml'), argv('lint'), argv()]) expect(startsTasks(no)).toBe(false);
  });

  it.runIf(MAX_SPAWNERS > 1)(`brings in a second spawner once ${BUSY_STARTS} tasks start within 100 ms, and gives it work once it is up`, async () => {
    const client = new SpawnerClient([], baseEnv());
    try {
      const first = await Promise.all(Array.from({ length: BUSY_STARTS }, () => start(client)));
      expect(new Set(first.map((r) => r.outputs.ppid)).size).toBe(1);
      const parents = new Set<string>();
      const deadline = Date.now() + 20_000;
      while (parents.size < 2 && Date.now() < deadline) {
        for (const r of await Promise.all(Array.from({ length: 4 }, () => start(client, 'sleep 0.05')))) parents.add(r.outputs.ppid!);
      }
      expect(parents.size).toBe(2);
    } finally {
      client.close();
    }
  });

  it.runIf(MAX_SPAWNERS > 1)('starts both spawners at once when the estimates say tasks will start often', async () => {
    const client = new SpawnerClient([], baseEnv(), { startsPerSecond: 10 * BUSY_STARTS * 10 });
    client.warmUp();
    try {
      const reports = await Promise.all(Array.from({ length: 8 }, () => start(client, 'sleep 0.2')));
      const parents = reports.map((r) => r.outputs.ppid);
      expect(new Set(parents).size).toBe(2);
      // Least loaded first: four each.
      expect(parents.filter((p) => p === parents[0]).length).toBe(4);
    } finally {
      client.close();
    }
  });
});
