/** Foreground colours for task prefixes: cyan, magenta, yellow, green, blue and their bright forms (not red: failures are red). */
const PALETTE = [36, 35, 33, 32, 34, 96, 95, 93, 92, 94];

/** A colour for a task id, the same in every run (FNV-1a of the id): a task's lines keep their colour from one run to the next. */
function colourOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}

/**
 * The `[task]` that starts a line of a task's output where tasks' lines
 * interleave (`run --logs all` and `grouped`, `logs --follow`): in a colour
 * of its own when `color`, as docker compose and Turborepo colour theirs, so
 * the eye follows one task down a busy screen.
 */
export function taskPrefix(id: string, color: boolean): string {
  return color ? `\x1b[${colourOf(id)}m[${id}]\x1b[39m` : `[${id}]`;
}
