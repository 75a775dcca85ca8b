const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy;

/**
 * Parses a duration (seconds as a number, or `500ms`, `30s`, `5m`, `1h30m`, `1d`)
 * into seconds. Returns undefined when the text is not a duration, or one
 * too long for a number.
 */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return finite(Number(text));
  let total = 0;
  let index = 0;
  const compact = text.replace(/\s+/g, '');
  PART.lastIndex = 0;
  while (index < compact.length) {
    PART.lastIndex = index;
    const match = PART.exec(compact);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
    index = PART.lastIndex;
  }
  return finite(total);
}

/** Digits enough to overflow (a `retry-after` output, a flag) make no duration. */
function finite(seconds: number): number | undefined {
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** Formats seconds compactly for humans: 0.5s, 42s, 3m05s, 1h02m. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '∞';
  if (seconds < 10) return `${Math.round(seconds * 100) / 100}s`;
  if (seconds < 60) return `${Math.round(seconds * 10) / 10}s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  return `${m}m${String(s).padStart(2, '0')}s`;
}

/** A rate window as a workflow would write it: `1h`, `1m`, `90s`, `1.5s`. */
export function formatWindow(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
