import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflowText } from './load.js';
import { scriptOf } from './misspelled-scripts.js';

/** `code@line:col` and messages of a workflow linted in a directory holding scripts/deploy.sh and build.py. */
function lint(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'scripts-'));
  mkdirSync(join(dir, 'scripts'));
  writeFileSync(join(dir, 'scripts', 'deploy.sh'), '#!/bin/sh\n');
  writeFileSync(join(dir, 'build.py'), '');
  const { diagnostics } = loadWorkflowText(yaml, join(dir, 'w.yaml'));
  return diagnostics.map((d) => [`${d.code}@${d.position?.line}:${d.position?.column}`, d.message]);
}

describe('scripts named with a typo', () => {
  it('reads the script a command starts with, as written', () => {
    expect(scriptOf('./scripts/deploy.sh --prod')).toBe('./scripts/deploy.sh');
    expect(scriptOf('# deploy\n\nbash scripts/deploy.sh\necho done')).toBe('scripts/deploy.sh');
    expect(scriptOf('/usr/bin/python3 tools/x.py')).toBe('tools/x.py');
    expect(scriptOf('node -e "1"')).toBeUndefined();
    expect(scriptOf('scripts/deploy.sh')).toBe('scripts/deploy.sh');
    expect(scriptOf('/opt/deploy.sh')).toBeUndefined();
    expect(scriptOf('make build')).toBeUndefined();
    expect(scriptOf('  \r\n\t./x.sh')).toBe('./x.sh');
    expect(scriptOf('bash\n./x.sh')).toBeUndefined();
    expect(scriptOf('python3  \t tools/y.py arg')).toBe('tools/y.py');
    expect(scriptOf('')).toBeUndefined();
    expect(scriptOf('# only a comment')).toBeUndefined();
    expect(scriptOf('#!/bin/sh\n# setup\n  ./a/b.sh')).toBe('./a/b.sh');
    expect(scriptOf('./$SCRIPT')).toBeUndefined();
    expect(scriptOf('bash "scripts/my deploy.sh"')).toBeUndefined();
  });

  it('warns of a script that is not there beside one of a near name', () => {
    expect(lint('version: 1\ntasks:\n  ship: { run: ./scripts/deplyo.sh --prod }\n  py: { run: python3 biuld.py }\n')).toEqual([
      ['missing-program@3:16', 'task "ship" runs ./scripts/deplyo.sh, but there is no deplyo.sh in scripts (did you mean ./scripts/deploy.sh?): the task would fail with "not found" when the run gets to it'],
      ['missing-program@4:14', 'task "py" runs biuld.py, but there is no biuld.py in . (did you mean build.py?): the task would fail with "not found" when the run gets to it'],
    ]);
  });

  it('says nothing of a script that is there, one no file is near (an earlier task may build it), or one a task makes', () => {
    expect(lint('version: 1\ntasks:\n  a: { run: ./scripts/deploy.sh }\n  b: { run: ./bin/app }\n  c: { run: ./scripts/release.sh }\n  d: { run: ./build.py/x.sh }\n')).toEqual([]);
    expect(lint('version: 1\ntasks:\n  gen: { run: "cp scripts/deploy.sh scripts/deploy2.sh", artifacts: [scripts/deploy2.sh] }\n  use: { run: ./scripts/deploy2.sh, needs: gen }\n')).toEqual([]);
    // A matrix's expansions are one task: said once.
    expect(lint('version: 1\ntasks:\n  m: { run: "./scripts/deplyo.sh ${{ matrix.env }}", matrix: { env: [a, b] } }\n')).toHaveLength(1);
  });
});
