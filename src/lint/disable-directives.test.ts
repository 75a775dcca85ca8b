import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import type { Diagnostic } from '../workflow/diagnostics.js';
import { applyDisableDirectives } from './disable-directives.js';

const warn = (line: number, code: Diagnostic['code'] = 'no-matrix'): Diagnostic => ({ code, severity: 'warning', message: 'w', position: { line, column: 3 } });
const shown = (ds: Diagnostic[]) => ds.map((d) => `${d.position?.line}:${d.position?.column} ${d.code}`);

describe('lint-disable comments', () => {
  it('place themselves by line and column, with CRLF line ends and after block scalars', () => {
    const text = 'version: 1\r\ntasks:\r\n  a:\r\n    run: |\r\n      one\r\n      two\r\n    x: 1  # orchestrate-lint-disable-line no-matrix\r\n';
    expect(shown(applyDisableDirectives([warn(7), warn(6)], text))).toEqual(['6:3 no-matrix']);
    // Nothing silenced on its line: said at the comment.
    expect(shown(applyDisableDirectives([warn(6)], text))).toEqual(['6:3 no-matrix', '7:11 unused-disable']);
  });

  it('read codes separated by commas or spaces, a note after --, and none as every warning', () => {
    const text = '# orchestrate-lint-disable-next-line no-matrix,artifact-conflict -- both meant\na: 1\n# orchestrate-lint-disable-next-line\nb: 2\n';
    expect(applyDisableDirectives([warn(2), warn(2, 'artifact-conflict'), warn(4, 'prompt-without-agent')], text)).toEqual([]);
  });

  it('are not the words inside a quoted string or a flow collection', () => {
    const text = 'a: "# orchestrate-lint-disable-line no-matrix"\nb: [x, "# orchestrate-lint-disable"]\n';
    expect(shown(applyDisableDirectives([warn(1), warn(2)], text))).toEqual(['1:3 no-matrix', '2:3 no-matrix']);
  });

  it('never throw on any text, and place what they report inside it (seeded fuzz)', () => {
    const rnd = seededRandom(5);
    const pieces = ['# orchestrate-lint-disable', '-line', '-next-line', ' no-matrix', ' frob', ',', ' -- ', '\n', '\r\n', '  ', 'a: ', '"', "'", '|', '- ', '[', ']', '{', '}', '#', 'x', ':', '\t', '\u00e9', '\ufeff'];
    for (let round = 0; round < 2000; round++) {
      let text = '';
      for (let k = 1 + Math.floor(rnd() * 30); k > 0; k--) text += pieces[Math.floor(rnd() * pieces.length)];
      const lines = text.split('\n').length;
      const out = applyDisableDirectives([warn(1 + Math.floor(rnd() * lines))], text);
      for (const d of out) {
        expect(d.position!.line, text).toBeGreaterThanOrEqual(1);
        expect(d.position!.line, text).toBeLessThanOrEqual(lines);
        expect(['no-matrix', 'bad-disable', 'unused-disable']).toContain(d.code);
      }
    }
  });
});
