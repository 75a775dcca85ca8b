/**
 * Edit distance counting insertions, deletions, substitutions and swaps of
 * two neighbours (optimal string alignment), with an early exit past `limit`.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * The candidate closest to `word` (case-insensitive) if it is a likely typo:
 * within a third of the word's length in edits (at least 1, at most 3) and
 * keeping at least one character ("b" is no typo of "a"), or sharing a stem
 * of 3+ characters with a different ending ("retries" -> "retry").
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  let stemMatch: string | undefined;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    if (other === lower && candidate !== word) return candidate;
    const distance = editDistance(lower, other, limit);
    if (distance < bestDistance && distance < Math.max(lower.length, other.length)) {
      best = candidate;
      bestDistance = distance;
    }
    if (!stemMatch && commonPrefix(lower, other) >= 3 && Math.abs(lower.length - other.length) <= 3) stemMatch = candidate;
  }
  return bestDistance <= limit ? best : stemMatch;
}

/** ` (did you mean "x"?)` or the empty string. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const best = didYouMean(word, candidates);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/**
 * The first of `candidates` that is a near miss of `name`, as a typo of a
 * file or variable name is: an edit or two away (a quarter of its length, at
 * least one) that keep a character, case aside, and not `name` itself. Stricter than didYouMean,
 * which also takes a shared stem: `DB_URL` is no typo of `DB_HOST`.
 */
export function nearMiss(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.min(2, Math.max(1, Math.floor(name.length / 4)));
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(lower, candidate.toLowerCase(), limit);
    // Keeping a character at least: "b" is no typo of "a".
    if (distance <= limit && distance < Math.max(name.length, candidate.length)) return candidate;
  }
  return undefined;
}
