/** A span of time, [from, to), in any one unit. */
export type Span = readonly [from: number, to: number];

/** The spans merged where they overlap or touch, in order. */
function merged(spans: readonly Span[]): Array<[number, number]> {
  const sorted = spans.filter(([from, to]) => to > from).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [from, to] of sorted) {
    const last = out[out.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/** How long is covered by some span of `spans` and by none of `excluded`. */
export function lengthOutside(spans: readonly Span[], excluded: readonly Span[]): number {
  const ex = merged(excluded);
  let total = 0;
  for (const [from, to] of merged(spans)) {
    let at = from;
    for (const [a, b] of ex) {
      if (b <= at) continue;
      if (a >= to) break;
      if (a > at) total += a - at;
      at = Math.max(at, b);
      if (at >= to) break;
    }
    if (at < to) total += to - at;
  }
  return total;
}
