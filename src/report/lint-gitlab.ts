import { createHash } from 'node:crypto';
import type { LintResult } from '../lint/lint-files.js';

/**
 * GitLab CI's Code Quality report (`artifacts: reports: codequality:`), a
 * subset of Code Climate's issues: one per diagnostic, errors `major` and
 * warnings `minor` (as ESLint's GitLab formatter ranks them), each with a
 * fingerprint of its file, code and message — not its line, so an issue that
 * moved is still the same one in a merge request's comparison — and a count
 * to tell the same one twice in a file apart.
 */
export function formatGitlab(result: LintResult): string {
  const issues = result.files.flatMap((report) => {
    const path = report.file.split('\\').join('/').replace(/^\.\//, '');
    const seen = new Map<string, number>();
    return report.diagnostics.map((d) => {
      const key = `${path}\0${d.code}\0${d.message}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      return {
        description: d.message,
        check_name: d.code,
        fingerprint: createHash('sha256').update(`${key}\0${n}`).digest('hex').slice(0, 32),
        severity: d.severity === 'error' ? 'major' : 'minor',
        location: { path, lines: { begin: d.position?.line ?? 1 } },
      };
    });
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
