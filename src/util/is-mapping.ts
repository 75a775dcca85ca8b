/** Whether a parsed value is a mapping (a YAML mapping, a JSON object): not null, not a list. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
