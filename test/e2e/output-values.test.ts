import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/util/random.js';
import { cli, tempProject } from '../helpers/cli.js';
import { filesUnder, task } from '../helpers/run.js';

// Seeded random output values, run for real: whatever a value holds (quotes, `$`,
// backticks, text that looks like a template, newlines, control characters,
// a secret), a task that reads it through `env` or a prompt gets exactly what was
// written, masked, and the secret reaches no file of the run and no console.
const SECRET = 'sek-7777-zz';
const PIECES = ['a', ' ', '"', "'", '\\', '$', '$HOME', '`id`', '${{ tasks.p0.outputs.v }}', '${{', '}}', '\n', '\t', 'é', '日本', '=', '<<', 'EOF', '%s', '*', '#', ';', '|', '&&', '\r', '\u001b[31m', SECRET, 'x=1', ''];

/** What a dependent reads: masked; from `key<<DELIMITER` lines a CRLF is a line end, from captured stdout the final newlines go. */
function expected(value: string, captured: boolean): string {
  const masked = value.split(SECRET).join('***');
  return captured ? masked.replace(/(\r?\n)+$/, '') : `${masked}\n`.replace(/\r\n/g, '\n').slice(0, -1);
}

describe('output values (seeded property test)', () => {
  for (let seed = 1; seed <= Number(process.env.PROPERTY_SEEDS ?? 20) / 2; seed++) {
    it(`seed ${seed}: reach their readers exactly as written, masked`, () => {
      const rnd = seededRandom(seed);
      const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
      const dir = tempProject({ 'package.json': '{}' });
      mkdirSync(join(dir, 'values'));
      mkdirSync(join(dir, 'got'));
      const lines = ['version: 1', 'secrets: [MY_TOKEN]', 'agents:', '  echoer: { command: "cat > \\"got/$ORCHESTRATE_TASK_ID\\"" }', 'tasks:'];
      const producers = Array.from({ length: 3 }, (_, i) => {
        let value = '';
        for (let k = Math.floor(rnd() * 8); k > 0; k--) value += pick(PIECES);
        const captured = rnd() < 0.5;
        writeFileSync(join(dir, 'values', `p${i}`), value);
        lines.push(captured
          ? `  p${i}: { run: 'cat values/p${i}', captureStdout: v }`
          : `  p${i}: { run: '{ echo "v<<DELIM_q8Zk"; cat values/p${i}; echo; echo DELIM_q8Zk; } >> "$ORCHESTRATE_OUTPUT"' }`);
        return { value, captured };
      });
      const readers = Array.from({ length: 4 }, (_, i) => {
        const from = Math.floor(rnd() * producers.length);
        const via = pick(['env', 'prompt'] as const);
        lines.push(via === 'env'
          ? `  c${i}: { needs: p${from}, env: { V: "\${{ tasks.p${from}.outputs.v }}" }, run: 'printf "%s" "$V" > got/c${i}' }`
          : `  c${i}: { needs: p${from}, agent: echoer, prompt: "\${{ tasks.p${from}.outputs.v }}" }`);
        return { id: `c${i}`, from };
      });
      writeFileSync(join(dir, 'workflow.yaml'), `${lines.join('\n')}\n`);
      const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir, env: { MY_TOKEN: SECRET } });
      const shown = `${readFileSync(join(dir, 'workflow.yaml'), 'utf8')}\n${JSON.stringify(producers)}\n${r.stderr}`;
      expect(r.code, shown).toBe(0);
      const result = JSON.parse(r.stdout);
      producers.forEach((p, i) => expect(task(result, `p${i}`).outputs.v, shown).toBe(expected(p.value, p.captured)));
      for (const c of readers) {
        const p = producers[c.from]!;
        expect(readFileSync(join(dir, 'got', c.id), 'utf8'), `${c.id} reads p${c.from}\n${shown}`).toBe(expected(p.value, p.captured));
      }
      for (const f of filesUnder(join(dir, '.orchestrate'))) expect(readFileSync(f, 'latin1'), f).not.toContain(SECRET);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    });
  }
});

describe('output and variable names', () => {
  it('read only what was set: a name every object has reads empty, and `__proto__` is an output like any', () => {
    const dir = tempProject({
      'workflow.yaml': [
        'version: 1',
        'secrets: [MY_TOKEN]',
        'tasks:',
        `  a: { run: 'printf "__proto__=p\\nk=v\\n" >> "$ORCHESTRATE_OUTPUT"' }`,
        '  b:',
        '    needs: a',
        `    when: tasks.a.outputs.constructor == '' && env.toString == '' && tasks.a.outputs.__proto__ == 'p'`,
        `    run: 'printf "%s|%s|%s|%s|%s" "\${{ tasks.a.outputs.constructor }}" "\${{ tasks.a.outputs.valueOf }}" "\${{ env.toString }}" "\${{ tasks.a.outputs.__proto__ }}" "\${{ tasks.a.outputs.k }}" > got'`,
        '  c:',
        '    outputSchema: { hasOwnProperty: { type: string } }',
        '    run: "true"',
        '',
      ].join('\n'),
    });
    // A secret makes every event and the result go through masking, which copies their objects.
    const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir, env: { MY_TOKEN: 'sek-1234' } });
    expect(r.code, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(task(result, 'a').outputs).toEqual(JSON.parse('{"__proto__":"p","k":"v"}'));
    expect(Object.keys(task(result, 'a').outputs)).toEqual(['__proto__', 'k']);
    expect(task(result, 'b').status).toBe('succeeded');
    expect(readFileSync(join(dir, 'got'), 'utf8')).toBe('|||p|v');
    expect(task(result, 'c').status).toBe('failed');
    expect(task(result, 'c').errors[0].message).toContain('output "hasOwnProperty" was not set');
    const events = readFileSync(join(dir, '.orchestrate', 'runs', result.runId, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(Object.keys(events.find((e) => e.type === 'task.succeeded' && e.taskId === 'a').outputs)).toEqual(['__proto__', 'k']);
  });
});
