import type { LintResult } from '../lint/lint-files.js';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../workflow/diagnostic-codes.js';

/** SARIF 2.1.0, for code-scanning dashboards. */
export function formatSarif(result: LintResult, version: string): string {
  const codes = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'orchestrate',
          version,
          rules: codes.map((code) => ({
            id: code,
            name: code.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
            shortDescription: { text: DIAGNOSTIC_CODES[code] },
          })),
        },
      },
      results: result.files.flatMap((report) => report.diagnostics.map((d) => ({
        ruleId: d.code,
        ruleIndex: codes.indexOf(d.code),
        level: d.severity === 'error' ? 'error' : 'warning',
        message: { text: d.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: encodeURI(report.file.split('\\').join('/')) },
            region: {
              startLine: d.position?.line ?? 1,
              startColumn: d.position?.column ?? 1,
              ...(d.position?.endLine ? { endLine: d.position.endLine, endColumn: d.position.endColumn ?? d.position.column } : {}),
            },
          },
        }],
      }))),
    }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
