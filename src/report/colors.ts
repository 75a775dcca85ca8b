/** ANSI styling, off unless `enabled`. */
export interface Colors {
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

export function colors(enabled: boolean): Colors {
  if (!enabled) {
    const id = (text: string) => text;
    return { red: id, yellow: id, dim: id, bold: id, green: id, cyan: id };
  }
  return { red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22), green: wrap(32, 39), cyan: wrap(36, 39) };
}

/** Colour for a stream: a TTY, unless NO_COLOR is set and not empty (no-color.org) or the terminal is TERM=dumb; FORCE_COLOR forces it. */
export function useColor(stream: { isTTY?: boolean }): boolean {
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  if (process.env.NO_COLOR || process.env.TERM === 'dumb') return false;
  return Boolean(stream.isTTY);
}
