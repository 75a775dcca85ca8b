import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';
import { runProject, task } from '../helpers/run.js';

describe('${{ tasks.ID.status }}: how a needed task ended (GitHub\'s needs.ID.result)', () => {
  it('tells a cleanup or notify task how its needs ended, in templates and `when`', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  ok: { run: "true" }
  bad: { run: "exit 3" }
  skip: { run: "true", needs: bad }
  shard: { matrix: { n: [1, 2] }, run: 'test \${{ matrix.n }} = 1' }
  notify:
    needs: [ok, bad, skip, shard]
    if: always
    env: { S: "\${{ tasks.ok.status }} \${{ tasks.bad.status }} \${{ tasks.skip.status }} \${{ tasks.shard.status }} \${{ tasks.shard[1].status }}" }
    run: echo "$S" > statuses.txt
  alert:
    needs: bad
    if: always
    when: tasks.bad.status == 'failed'
    run: echo "\${{ tasks.bad.status }}" > alert.txt
  quiet:
    needs: ok
    when: tasks.ok.status != 'succeeded'
    run: echo no > quiet.txt
`,
    });
    expect(r.code).toBe(1);
    expect(readFileSync(join(r.dir, 'statuses.txt'), 'utf8')).toBe('succeeded failed skipped failed succeeded\n');
    expect(readFileSync(join(r.dir, 'alert.txt'), 'utf8')).toBe('failed\n');
    expect(task(r.result, 'quiet')).toMatchObject({ status: 'skipped', reason: 'condition' });
    expect(existsSync(join(r.dir, 'quiet.txt'))).toBe(false);
  });

  it('reads an included task under its namespace, from the included file and the including one', () => {
    const r = runProject({
      'parts/deploy.yaml': 'version: 1\ntasks:\n  push: { run: "exit 2" }\n  report: { needs: push, if: always, when: "tasks.push.status != \'succeeded\'", run: \'echo "push ${{ tasks.push.status }}" > report.txt\' }\n',
      'workflow.yaml': 'version: 1\ninclude: { prod: parts/deploy.yaml }\ntasks:\n  after: { needs: prod.push, if: always, run: \'echo "${{ tasks.prod.push.status }}" > after.txt\' }\n',
    });
    expect(r.code).toBe(1);
    expect(readFileSync(join(r.dir, 'parts', 'report.txt'), 'utf8')).toBe('push failed\n');
    expect(readFileSync(join(r.dir, 'after.txt'), 'utf8')).toBe('failed\n');
  });

  it('is checked by lint: the task must be among the needs, exist, and not be read where nothing has run yet', () => {
    const dir = tempProject({
      'workflow.yaml': `version: 1
tasks:
  a: { run: "true" }
  b: { run: "echo \${{ tasks.a.status }}" }
  c: { run: "echo \${{ tasks.zz.status }}", needs: a }
  d: { run: "true", needs: a, sources: ["\${{ tasks.a.status }}.txt"] }
  e: { run: "echo \${{ tasks.a.statuz }}", needs: a }
  f: { run: "true", needs: a, when: "tasks.b.status == 'failed'" }
`,
    });
    const r = cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)[0].diagnostics.map((d: any) => [d.code, d.line, d.message])).toEqual([
      ['unknown-reference', 4, 'task "b" uses ${{ tasks.a.status }}, but "a" is not among the tasks it needs (directly or indirectly), so it may not have ended yet: add it to `needs`'],
      ['unknown-reference', 5, 'task "c" uses ${{ tasks.zz.status }}, but there is no task "zz"'],
      ['bad-template', 6, 'task "d": its sources are fingerprinted before anything runs, so ${{ tasks.a.status }} cannot be used there: use matrix, params or inputs templates'],
      ['bad-template', 7, 'task "e": unknown template expression "tasks.a.statuz": use tasks.ID.outputs.KEY, tasks.ID.status, matrix.KEY, env.KEY, params.KEY, inputs.NAME, runner.KEY, or a string in single quotes (${{ \'${{\' }} writes ${{)'],
      ['unknown-reference', 8, 'task "f" uses tasks.b.status, but "b" is not among the tasks it needs (directly or indirectly), so it may not have ended yet: add it to `needs`'],
    ]);
  });
});
