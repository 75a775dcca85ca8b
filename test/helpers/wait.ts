/** Resolves once `check()` holds, polling every 50 ms; throws after `ms`, naming `what` it waited for. */
export async function waitFor(check: () => boolean, what = 'a condition', ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
