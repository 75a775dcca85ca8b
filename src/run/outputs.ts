/** At most this many bytes of outputs per attempt (GitHub Actions allows 1 MB per output): large data belongs in files. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;

/** Why outputs of `bytes` bytes are refused. */
export function outputsTooLarge(bytes: number): string {
  return `outputs of ${(bytes / 1024 / 1024).toFixed(1)} MB: at most 1 MB per attempt; write large data to a file (an artifact) and pass its path`;
}

/** Why an output file that does not follow the convention is refused. */
export function outputsMalformed(problems: readonly string[]): string {
  return `invalid outputs file: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`;
}

/**
 * Parses a task's output file in the GitHub Actions convention:
 * `key=value` lines and multi-line `key<<DELIMITER` ... `DELIMITER` blocks.
 * What does not follow it is listed in `problems` (the attempt fails, as a
 * GitHub Actions step does).
 */
export function parseOutputs(text: string): { outputs: Record<string, string>; problems: string[] } {
  const outputs: Record<string, string> = {};
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const heredoc = /^([^=<\s][^=<]*?)<<(\S+)$/.exec(line);
    if (heredoc) {
      const [, key, delimiter] = heredoc;
      const start = i;
      const body: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        body.push(lines[i]!);
      }
      if (!closed) problems.push(`line ${start + 1}: output "${key!.trim()}" has no closing delimiter "${delimiter}"`);
      outputs[key!.trim()] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      problems.push(`line ${i + 1}: "${line.slice(0, 60)}" is neither key=value nor key<<DELIMITER`);
      continue;
    }
    outputs[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return { outputs, problems };
}
