import type { LintResult } from '../lint/lint-files.js';

/** `[{file, diagnostics: [{code, severity, message, line, column, endLine, endColumn, path}]}]`. */
export function formatLintJson(result: LintResult): string {
  const out = result.files.map((report) => ({
    file: report.file,
    diagnostics: report.diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      line: d.position?.line ?? 1,
      column: d.position?.column ?? 1,
      endLine: d.position?.endLine ?? d.position?.line ?? 1,
      endColumn: d.position?.endColumn ?? d.position?.column ?? 1,
      path: [...(d.path ?? [])],
    })),
  }));
  return `${JSON.stringify(out, null, 2)}\n`;
}
