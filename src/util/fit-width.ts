/**
 * Columns a character takes in a terminal, at most: 1 below U+1100, else 2.
 * East Asian wide characters and emoji take 2; the narrow scripts above
 * U+1100 are counted wide too, so text cut to a width never wraps.
 */
function columns(char: string): number {
  return char.codePointAt(0)! < 0x1100 ? 1 : 2;
}

/** Columns a text takes in a terminal, at most (see columns). */
export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += columns(char);
  return width;
}

/** The longest start of `chars` that takes at most `width` columns. */
function head(chars: readonly string[], width: number): string {
  let used = 0;
  let n = 0;
  while (n < chars.length && used + columns(chars[n]!) <= width) used += columns(chars[n++]!);
  return chars.slice(0, n).join('');
}

/**
 * A text cut to `width` columns, with `…` where it was cut: at its end
 * (`end`), or in its middle (`middle`), which keeps what ends an id — the
 * values of a matrix expansion, the last part of a namespaced id.
 */
export function fitWidth(text: string, width: number, where: 'end' | 'middle' = 'end'): string {
  if (textWidth(text) <= width) return text;
  // The ellipsis is narrow in most terminals and wide in some (East Asian ambiguous width): counted wide.
  const room = width - textWidth('…');
  if (room < 0) return '';
  const chars = [...text];
  if (where === 'end') return `${head(chars, room)}…`;
  const start = head(chars, Math.ceil(room / 2));
  const end = [...head([...chars].reverse(), room - textWidth(start))].reverse().join('');
  return `${start}…${end}`;
}

/**
 * A table cell `width` columns wide: the text padded with spaces, or cut in
 * its middle (fitWidth) when longer, so that two long ids that start alike
 * stay told apart and a mark at the end (`*`) stays. The cut's `…` counts
 * one column here, as most terminals draw it, so the columns after it line up.
 */
export function tableCell(text: string, width: number): string {
  const room = textWidth(text) <= width ? width : width + 1;
  const shown = fitWidth(text, room, 'middle');
  return shown + ' '.repeat(Math.max(0, room - textWidth(shown)));
}
