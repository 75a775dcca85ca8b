/** A number as a YAML file would write it: `.inf` and `.nan` for those, `1e15` for a large one. */
export function showNumber(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
  return Math.abs(value) >= 1e9 ? value.toExponential().replace('e+', 'e') : String(value);
}
