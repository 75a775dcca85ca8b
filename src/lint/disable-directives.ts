import { Lexer } from 'yaml';
import { suggestion } from '../util/suggest.js';
import { DIAGNOSTIC_CODES, isWarningCode, WARNING_CODES, type DiagnosticCode } from '../workflow/diagnostic-codes.js';
import { hasErrors, sortDiagnostics, type Diagnostic, type Position } from '../workflow/diagnostics.js';

/** What every directive starts with, after `#`: the cheap test that a file has any. */
const MARK = 'orchestrate-lint-disable';
const DIRECTIVE = /^#\s*orchestrate-lint-disable(-line|-next-line)?(?=\s|$)(.*)$/;
/** Tokens of yaml's lexer that stand for a state, not for source text. */
const CONTROL = new Set(['\x02', '\x18', '\x1f']);

interface Directive {
  /** The whole file, its own line, or the line after it. */
  scope: 'file' | 'line' | 'next-line';
  /** The codes it silences; none named means every warning. */
  codes: string[];
  position: Position;
  /** The codes it did silence (`*` for a directive without codes). */
  used: Set<string>;
}

/**
 * The `# orchestrate-lint-disable...` comments of a YAML text — comments
 * only, as the YAML lexer finds them: the same words inside a string or a
 * block scalar (a shell comment in `run: |`) are not directives.
 */
function findDirectives(text: string): Directive[] {
  const found: Directive[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  for (const token of new Lexer().lex(text)) {
    if (CONTROL.has(token)) continue;
    const match = token.startsWith('#') ? DIRECTIVE.exec(token) : null;
    if (match) {
      // `-- why` after the codes is for readers, as in ESLint.
      const codes = match[2]!.replace(/\s--(\s.*)?$/, '').split(/[\s,]+/).filter(Boolean);
      const column = offset - lineStart + 1;
      found.push({ scope: match[1] === '-line' ? 'line' : match[1] === '-next-line' ? 'next-line' : 'file', codes, position: { line, column, endLine: line, endColumn: column + token.length }, used: new Set() });
    }
    for (let nl = token.indexOf('\n'); nl !== -1; nl = token.indexOf('\n', nl + 1)) {
      line++;
      lineStart = offset + nl + 1;
    }
    offset += token.length;
  }
  return found;
}

function covers(directive: Directive, diagnostic: Diagnostic): boolean {
  if (directive.codes.length && !directive.codes.includes(diagnostic.code)) return false;
  const line = diagnostic.position?.line;
  if (directive.scope === 'line') return line === directive.position.line;
  if (directive.scope === 'next-line') return line === directive.position.line + 1;
  return true;
}

/**
 * Applies a file's lint-disable comments to its diagnostics (positions
 * resolved): the warnings they name are dropped — as ESLint's
 * `eslint-disable-next-line` and yamllint's `disable-line` drop theirs —
 * errors never (the workflow would not run). A comment that names an unknown
 * code or an error is `bad-disable`; one that silenced nothing, in a file
 * without errors (errors stop the checks that warn), is `unused-disable`.
 */
export function applyDisableDirectives(diagnostics: readonly Diagnostic[], text: string): Diagnostic[] {
  if (!text.includes(MARK)) return [...diagnostics];
  const directives = findDirectives(text);
  const problems: Diagnostic[] = [];
  for (const directive of directives) {
    for (const code of directive.codes) {
      if (!Object.hasOwn(DIAGNOSTIC_CODES, code)) problems.push({ code: 'bad-disable', severity: 'warning', message: `no lint code "${code}"${suggestion(code, WARNING_CODES)}`, position: directive.position });
      else if (!isWarningCode(code)) problems.push({ code: 'bad-disable', severity: 'warning', message: `"${code}" is an error, which cannot be silenced: the workflow would not run`, position: directive.position });
    }
  }
  const kept = diagnostics.filter((diagnostic) => {
    if (diagnostic.severity !== 'warning') return true;
    const silencing = directives.filter((d) => covers(d, diagnostic));
    for (const d of silencing) d.used.add(d.codes.length ? diagnostic.code : '*');
    return !silencing.length;
  });
  if (!hasErrors(diagnostics)) {
    for (const directive of directives) {
      const unused = directive.codes.length ? directive.codes.filter((c) => isWarningCode(c) && !directive.used.has(c)) : directive.used.size ? [] : ['*'];
      for (const code of unused) {
        const what = code === '*' ? 'no warning' : `no ${code as DiagnosticCode} warning`;
        const where = directive.scope === 'file' ? 'in this file' : directive.scope === 'line' ? 'on this line' : 'on the next line';
        problems.push({ code: 'unused-disable', severity: 'warning', message: `this comment silences nothing: ${what} ${where}`, position: directive.position });
      }
    }
  }
  return sortDiagnostics([...kept, ...problems]);
}
