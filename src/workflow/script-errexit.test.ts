import { describe, expect, it } from 'vitest';
import { continuesAfterFailure } from './script-errexit.js';

describe('continuesAfterFailure', () => {
  it('is true for a flat list of commands, comments and blank lines aside', () => {
    expect(continuesAfterFailure('npm ci\nnpm test\n')).toBe(true);
    expect(continuesAfterFailure('# build\nmake\n\n  make install  \n')).toBe(true);
    expect(continuesAfterFailure("echo 'a b' > x\ncp x y")).toBe(true);
  });

  it('is false for one command, or a script that sets errexit itself', () => {
    expect(continuesAfterFailure('npm test\n')).toBe(false);
    expect(continuesAfterFailure('npm ci && npm test')).toBe(false);
    for (const set of ['set -e', 'set -eu', 'set -euo pipefail', 'set -o errexit', 'set -u -o errexit']) {
      expect(continuesAfterFailure(`${set}\nnpm ci\nnpm test`), set).toBe(false);
    }
  });

  it('leaves scripts with control flow, continued lines, here-documents, open strings or || alone', () => {
    for (const script of [
      'echo a\nif [ -f x ]; then exit 1; fi',
      'for f in *; do\n  echo "$f"\ndone',
      'make \\\n  -j4\nmake install',
      'npm ci &&\nnpm test',
      'cat <<EOF > x\nhello\nEOF',
      'echo "one\ntwo"',
      'rm x || true\necho done',
      'f() {\n  echo hi\n}\nf',
      'ls |\n  wc -l',
    ]) expect(continuesAfterFailure(script), script).toBe(false);
  });
});
