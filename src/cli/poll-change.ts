/** How often the watched files are looked at, at most. */
const POLL_MS = 300;
/** A look takes at most this share of the time: a large tree is looked at less often, not with a core's time. */
const POLL_SHARE = 0.1;

/**
 * Takes a snapshot every POLL_MS — or as much less often as keeps the taking
 * to POLL_SHARE of the time (20,000 files: about once a second) — until one
 * differs from `before`, then calls `changed`. Returns what stops it.
 */
export function pollForChange(take: () => string, before: string, changed: () => void, now: () => number = () => performance.now()): () => void {
  let timer: NodeJS.Timeout | undefined;
  const look = () => {
    const started = now();
    if (take() !== before) return changed();
    timer = setTimeout(look, Math.max(POLL_MS, (now() - started) / POLL_SHARE));
  };
  timer = setTimeout(look, POLL_MS);
  return () => clearTimeout(timer);
}
