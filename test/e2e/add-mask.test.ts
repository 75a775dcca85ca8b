import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';

// mint makes a token no one knew before the run and registers it, as a step that fetched one would;
// peek runs at the same time in the other spawner process; use reads it from mint's output and from the file.
const workflow = `version: 1
policy: { maxConcurrency: 4 }
tasks:
  mint:
    run: |
      set -e
      tok=minted-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \\n')
      echo "::add-mask::$tok"
      echo "$tok" > token.txt
      echo "minted $tok"
      echo "token=$tok" >> "$ORCHESTRATE_OUTPUT"
      sleep 1
      echo "still $tok" >&2
  peek:
    run: |
      while [ ! -s token.txt ]; do sleep 0.05; done
      sleep 0.5
      echo "peeked $(cat token.txt)"
  use:
    needs: mint
    run: echo "got \${{ tasks.mint.outputs.token }} and $(cat token.txt)"
`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('::add-mask::', () => {
  it('masks a secret a task makes at run time everywhere from then on: logs of every task, console, events, outputs, result, history', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow });
    const r = cli(['run', 'workflow.yaml', '--renderer', 'simple', '--logs', 'all'], { cwd: dir, env: { ORCHESTRATE_SPAWNERS: '2' } });
    expect(r.code, r.stderr).toBe(0);
    const first = readFileSync(join(dir, 'token.txt'), 'utf8').trim();
    rmSync(join(dir, 'token.txt'));
    const json = cli(['run', 'workflow.yaml', '--json'], { cwd: dir, env: { ORCHESTRATE_SPAWNERS: '2' } });
    expect(json.code, json.stderr).toBe(0);
    const second = readFileSync(join(dir, 'token.txt'), 'utf8').trim();
    for (const token of [first, second]) expect(token).toMatch(/^minted-[0-9a-f]{16}$/);
    const result = JSON.parse(json.stdout);
    expect(result.tasks.find((t: { id: string }) => t.id === 'mint').outputs).toEqual({ token: '***' });
    // Every file the runs left (logs, events, the history and its write-ahead log) and what they printed.
    const everything = [r.stdout, r.stderr, json.stdout, json.stderr, ...filesUnder(join(dir, '.orchestrate')).map((f) => readFileSync(f, 'latin1'))];
    for (const text of everything) for (const token of [first, second]) expect(text).not.toContain(token);
    const logs = join(dir, '.orchestrate/runs', readdirSync(join(dir, '.orchestrate/runs')).sort()[0]!);
    const log = (task: string) => readFileSync(join(logs, `${task}.log`), 'utf8');
    for (const line of ['out| ::add-mask::***\n', 'out| minted ***\n', 'err| still ***\n']) expect(log('mint')).toContain(line);
    expect(log('peek')).toContain('out| peeked ***\n');
    expect(log('use')).toContain('out| got *** and ***\n');
  });
});
