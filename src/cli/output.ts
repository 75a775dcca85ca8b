/** Writes to stdout and resolves once the data is flushed (safe before exit). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (!text) return resolve();
    process.stdout.write(text, () => resolve());
  });
}

export function writeErr(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (!text) return resolve();
    process.stderr.write(text, () => resolve());
  });
}
