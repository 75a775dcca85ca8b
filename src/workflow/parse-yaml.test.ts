import { describe, expect, it } from 'vitest';
import { codes, load } from './test-helpers.js';

describe('parsing bad input', () => {
  it('reports an empty file and a comment-only file', () => {
    expect(codes('')).toEqual(['empty-file@1:1']);
    expect(codes('# nothing\n')).toEqual(['empty-file@1:1']);
  });
  it('reports a root that is not a mapping', () => {
    expect(codes('- a\n- b\n')).toEqual(['not-a-mapping@1:1']);
    expect(codes('just text\n')).toEqual(['not-a-mapping@1:1']);
  });
  it('reports YAML syntax errors with a position', () => {
    expect(codes('version: 1\ntasks:\n  a: [1, 2\n')).toEqual(['yaml-syntax@4:1']);
    expect(codes('version: 1\ndescription: a: b\n')).toEqual(['yaml-syntax@2:15']);
    // More than one document: pointed at the second one's `---`.
    expect(codes('---\nversion: 1\n---\nversion: 1\n')).toEqual(['yaml-syntax@3:1']);
    expect(codes('# a workflow\n---\nversion: 1\n---\nx: 1\n')).toEqual(['yaml-syntax@4:1']);
    expect(codes('version: 1\n---\nversion: 1\n')).toEqual(['yaml-syntax@2:1']);
  });
  it('reports tab indentation', () => {
    const d = load('version: 1\ntasks:\n\ta:\n\t\trun: x\n').diagnostics;
    expect(d.map((x) => x.code)).toEqual(['yaml-syntax']);
    expect(d[0]!.message).toMatch(/tab/);
    expect(d[0]!.position).toMatchObject({ line: 3, column: 1 });
  });
  it('reports an unknown tag at the tag, as written, and takes the core schema\'s own', () => {
    const d = load('version: 1\ntasks:\n  a: { run: !Ref foo }\n').diagnostics;
    expect(d.map((x) => `${x.code}@${x.position?.line}:${x.position?.column}`)).toEqual(['yaml-syntax@3:13']);
    expect(d[0]!.message).toMatch(/^unknown tag !Ref: workflow files are plain YAML values/);
    expect(load('version: 1\ntasks:\n  b:\n    run: echo\n    cost: !!timestamp 2001-12-14\n').diagnostics.map((x) => `${x.position?.line}:${x.position?.column} ${x.message.split(':')[0]}`)).toEqual(['5:11 unknown tag !!timestamp']);
    expect(codes('version: 1\ntasks:\n  a: { run: !!str 3, cost: !!float "2" }\n')).toEqual([]);
  });
  it('reports duplicate keys at the second occurrence, naming the key', () => {
    const d = load('version: 1\ntasks:\n  a:\n    run: x\n  a:\n    run: y\n').diagnostics;
    expect(d.map((x) => `${x.code}@${x.position?.line}:${x.position?.column}`)).toEqual(['duplicate-key@5:3']);
    expect(d[0]!.message).toContain('"a"');
  });
  it('rejects binary junk', () => {
    expect(load('\u0000\u0001\u0002garbage').diagnostics[0]!.code).toBe('binary-file');
    const junk = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 32)).join('');
    expect(load(junk).diagnostics[0]!.code).toBe('binary-file');
  });
  it('takes a few undecodable characters for text that is not UTF-8 and many, without a NUL, for binary, at the first', () => {
    const few = 'version: 1\ntasks:\n  a: { run: "echo \ufffd\ufffd" }\n';
    expect(load(few).diagnostics.map((d) => `${d.code}@${d.position?.line}:${d.position?.column}`)).toEqual(['not-utf8@3:19']);
    const many = `version: 1\ntasks:\n${'\ufffd\x01\ufffd'.repeat(30)}\n`;
    expect(load(many).diagnostics.map((d) => `${d.code}@${d.position?.line}:${d.position?.column}`)).toEqual(['binary-file@3:1']);
  });
  it('rejects an alias bomb fast and without expanding it', () => {
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    const names = 'abcdefghijkl';
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1];
      text += `${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
    }
    const started = process.hrtime.bigint();
    expect(load(`${text}version: 1\ntasks: { x: { run: y } }\n`).diagnostics.map((d) => d.code)).toEqual(['alias-bomb']);
    expect(Number(process.hrtime.bigint() - started) / 1e9).toBeLessThan(10);
  });
  it('accepts merge keys and modest aliases', () => {
    const text = 'version: 1\nx-defaults: &d { run: echo hi }\ntasks:\n  a: *d\n  b: { <<: *d, estimate: 1s }\n';
    const result = load(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.workflow!.tasks.map((t) => [t.id, t.command, t.estimate])).toEqual([['a', 'echo hi', 10], ['b', 'echo hi', 1]]);
  });
});
