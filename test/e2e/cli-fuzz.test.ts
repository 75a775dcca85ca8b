import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/util/random.js';
import { cli, tempProject } from '../helpers/cli.js';

// Whatever the flags and values, the CLI answers with a documented exit code and
// never with a stack trace: seeded random command lines against a real project.
const FLAGS: Record<string, string[]> = {
  lint: ['-f', '--format', '--max-warnings', '-q', '--quiet', '-c', '--config'],
  plan: ['-n', '--concurrency', '--json', '--state', '-c', '-i', '--input', '--only'],
  graph: ['-f', '--format', '-c'],
  list: ['--json', '-c'],
  run: ['-n', '--json', '--dry-run', '--only', '--events', '--renderer', '--resume', '--state', '--logs', '-c', '-i', '--input', '-f', '--force', '--fail-fast', '-k', '--keep-going', '--timeout', '--budget', '-y', '--yes', '--result'],
  history: ['--json', '-l', '--limit', '--state'],
  events: ['--state'],
  logs: ['-t', '--task', '--failed', '--state'],
  stats: ['--json', '--state', '-c', '-l', '--limit'],
  report: ['-o', '--out', '--lanes', '--state'],
  prune: ['-k', '--keep', '--dry-run', '--state'],
  approve: ['--run', '--state'],
  reject: ['--run', '-r', '--reason', '--state'],
};
const VALUES = ['', '0', '-1', '2', '1e3', 'abc', 'w.yaml', 'missing.yaml', 'dir', '/proc/nope/x', '-', 'json', 'sarif', 'dot', 'agent', 'all', 'simple', 'a,b', '--json', '\u00e9', 'x=1', 'name=', '=v', 'w.yaml/x', 'a'.repeat(300)];

describe('random command lines (seeded fuzz)', () => {
  it('exit with 0, 1 or 2 and never print a stack trace', () => {
    const dir = tempProject({
      'package.json': '{}',
      'w.yaml': 'version: 1\ninputs: { x: { type: number, default: 0 } }\ntasks:\n  a: { run: "true", sources: [w.yaml] }\n  b: { run: "echo ${{ inputs.x }}", needs: a, when: "inputs.x != 1" }\n',
      'bad.yaml': 'version: 1\ntasks:\n  a: { run: "true", needs: zz }\n',
      'dir/.keep': '',
    });
    expect(cli(['run', 'w.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const rnd = seededRandom(23);
    const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
    for (let round = 0; round < 60; round++) {
      const command = pick(Object.keys(FLAGS));
      const args = [command];
      if (!['history', 'stats', 'report', 'prune', 'logs'].includes(command) || rnd() < 0.5) args.push(pick(['w.yaml', 'bad.yaml', 'missing.yaml', 'dir', '', 'w.yaml/x', 'a'.repeat(300)]));
      for (let k = Math.floor(rnd() * 3); k > 0; k--) {
        args.push(pick(FLAGS[command]!));
        if (rnd() < 0.7) args.push(pick(VALUES));
      }
      // A real run only as a dry run: the point is the argument handling, not the tasks.
      if (command === 'run' && !args.includes('--dry-run')) args.push('--dry-run');
      const r = cli(args, { cwd: dir, timeout: 30_000 });
      const shown = `orchestrate ${args.map((a) => JSON.stringify(a)).join(' ')}\n${r.stderr}`;
      expect([0, 1, 2], shown).toContain(r.code);
      expect(r.stderr, shown).not.toMatch(/internal error|^\s+at .+:\d+:\d+\)?$/m);
      if (r.code === 2) expect(r.stderr, shown).toMatch(/^orchestrate: |error/m);
    }
  });
});
