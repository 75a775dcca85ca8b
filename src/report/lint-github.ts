import type { LintResult } from '../lint/lint-files.js';
import { escapeData, escapeProperty } from './github-commands.js';

/** `::error file=F,line=L,col=C,title=CODE::message`, one line per diagnostic. */
export function formatGithub(result: LintResult): string {
  const lines: string[] = [];
  for (const report of result.files) {
    for (const d of report.diagnostics) {
      const props = [
        `file=${escapeProperty(report.file)}`,
        `line=${d.position?.line ?? 1}`,
        `col=${d.position?.column ?? 1}`,
        ...(d.position?.endLine ? [`endLine=${d.position.endLine}`] : []),
        ...(d.position?.endColumn && d.position.endLine === d.position.line ? [`endColumn=${d.position.endColumn}`] : []),
        `title=${escapeProperty(d.code)}`,
      ];
      lines.push(`::${d.severity} ${props.join(',')}::${escapeData(d.message)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
