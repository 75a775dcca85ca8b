import { readFileSync } from 'node:fs';
import type { SecretMasker } from '../telemetry/mask.js';
import { statIfPresent } from '../util/stat-if-present.js';

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
  // Without a prototype, any key is a key of its own (`__proto__` too) and none is inherited.
  const outputs: Record<string, string> = Object.create(null);
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

/** What a task's outputs file held when it was read. */
export interface OutputsRead {
  /** The outputs, masked; none when there is no valid file to read. */
  outputs: Record<string, string>;
  /** Why the outputs are refused (too large, not the convention), masked. */
  error?: string;
  /** The lines that break the convention, for the log. */
  problems: string[];
  /** Its size, when it is a regular file. */
  size?: number;
  /** Something is there (to delete after), but only a regular file is read: a pipe or a link to a device would block, or never end. */
  present: boolean;
  notAFile: boolean;
}

/**
 * Reads a task's outputs file now, synchronously (most tasks write none, and a
 * stat costs microseconds, not a thread-pool trip); the file stays.
 */
export function readOutputsFile(path: string, masker: SecretMasker): OutputsRead {
  const stat = statIfPresent(path);
  const size = stat?.isFile() ? stat.size : undefined;
  const read: OutputsRead = { outputs: {}, problems: [], size, present: stat !== undefined, notAFile: stat !== undefined && size === undefined };
  if (size === undefined) return read;
  if (size > MAX_OUTPUT_BYTES) return { ...read, error: outputsTooLarge(size) };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // Unreadable: the task reported nothing usable.
    return read;
  }
  const parsed = parseOutputs(text);
  if (parsed.problems.length) return { ...read, problems: parsed.problems, error: masker.mask(outputsMalformed(parsed.problems)) };
  return { ...read, outputs: masker.maskDeep(parsed.outputs) };
}
