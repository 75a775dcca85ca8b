import type { FileReport, LintResult } from '../lint/lint-files.js';
import type { Diagnostic } from '../workflow/diagnostics.js';
import { colors as makeColors, type Colors } from './colors.js';
import { visibleText } from '../util/visible-text.js';

/** `  2 | source` lines with a caret under the range, as compilers show them. */
export function snippet(report: FileReport, d: Diagnostic, c: Colors): string[] {
  const pos = d.position;
  const source = report.source;
  // A binary file's bytes say nothing to a reader, and may say something to the terminal.
  if (!pos || !source || d.code === 'binary-file') return [];
  const line = source.line(pos.line);
  if (line === undefined) return [];
  const width = String(pos.line).length;
  const out: string[] = [];
  const previous = pos.line > 1 ? source.line(pos.line - 1) : undefined;
  if (previous !== undefined && previous.trim()) out.push(c.dim(`  ${String(pos.line - 1).padStart(width)} | ${clip(previous)}`));
  out.push(`  ${String(pos.line).padStart(width)} | ${clip(line)}`);
  const sameLine = pos.endLine === pos.line && pos.endColumn !== undefined && pos.endColumn > pos.column;
  const length = sameLine ? Math.min(pos.endColumn! - pos.column, Math.max(1, line.length - pos.column + 1)) : 1;
  const pad = line.slice(0, pos.column - 1).replace(/[^\t]/g, ' ');
  const carets = '^'.repeat(Math.max(1, Math.min(length, 120)));
  out.push(`  ${' '.repeat(width)} | ${pad}${d.severity === 'error' ? c.red(carets) : c.yellow(carets)}`);
  return out;
}

/** A source line as shown: at most 160 characters, control characters as `?` (one each, so carets stay aligned), so that a file cannot drive the terminal. */
function clip(line: string): string {
  const shown = line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
  return shown.length > 160 ? `${shown.slice(0, 157)}...` : shown;
}

/**
 * The default lint format: per file, `file:line:col  severity  message  [code]`
 * with a source snippet under each, then a count.
 */
export function formatStylish(result: LintResult, options: { color?: boolean } = {}): string {
  const c = makeColors(Boolean(options.color));
  const lines: string[] = [];
  for (const report of result.files) {
    if (!report.diagnostics.length) continue;
    lines.push(c.bold(report.file));
    for (const d of report.diagnostics) {
      const where = `${report.file}:${d.position?.line ?? 1}:${d.position?.column ?? 1}`;
      const severity = d.severity === 'error' ? c.red('error') : c.yellow('warning');
      // A message quotes the file's values, which may hold a terminal escape.
      lines.push(`${where}  ${severity}  ${visibleText(d.message)}  ${c.dim(`[${d.code}]`)}`);
      lines.push(...snippet(report, d, c));
    }
    lines.push('');
  }
  const problems = result.errorCount + result.warningCount;
  if (problems) {
    const summary = `${problems} problem${problems === 1 ? '' : 's'} (${result.errorCount} error${result.errorCount === 1 ? '' : 's'}, ${result.warningCount} warning${result.warningCount === 1 ? '' : 's'}) in ${result.files.length} file${result.files.length === 1 ? '' : 's'}`;
    lines.push(result.errorCount ? c.red(c.bold(`✖ ${summary}`)) : c.yellow(c.bold(`⚠ ${summary}`)));
  } else if (result.files.length) {
    lines.push(c.green(`✔ ${result.files.length} file${result.files.length === 1 ? '' : 's'} linted, no problems`));
  }
  // Nothing linted (every path unreadable): the errors on stderr say it all.
  return lines.length ? `${lines.join('\n')}\n` : '';
}
