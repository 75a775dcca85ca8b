/** `lint -f json` output as each file's diagnostics, `code@line:column message`, by file name. */
export function diagnosticsByFile(json: string): Record<string, string[]> {
  return Object.fromEntries(JSON.parse(json).map((f: any) => [f.file, f.diagnostics.map((d: any) => `${d.code}@${d.line}:${d.column} ${d.message}`)]));
}
