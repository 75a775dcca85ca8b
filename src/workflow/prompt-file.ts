import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ioReason } from '../errors.js';
import { decodeText } from '../util/decode-text.js';
import { expandHome } from '../util/home-path.js';
import { error, type Diagnostic, type DocPath } from './diagnostics.js';
import type { Task as TaskFile } from './schema-types.js';

/** A prompt file larger than this is refused: a prompt travels in memory, on stdin and in a file. */
const MAX_PROMPT_FILE_BYTES = 16 * 1024 * 1024;

/**
 * A task's prompt text: its `prompt`, or the text of its `promptFile`
 * (relative to the workflow file), read once, here; or the problem with it.
 */
export function promptOf(baseId: string, t: TaskFile, dir: string, at: DocPath): { text?: string; file?: string; problem?: Diagnostic } {
  if (t.promptFile === undefined) return { text: t.prompt };
  const where = [...at, 'promptFile'];
  if (t.prompt !== undefined) return { problem: error('bad-prompt-file', `task "${baseId}" has both \`prompt\` and \`promptFile\`: give one`, where, true) };
  const file = resolve(dir, expandHome(t.promptFile));
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return { problem: error('bad-prompt-file', `task "${baseId}": its promptFile ${JSON.stringify(t.promptFile)} is not a file`, where) };
    if (stat.size > MAX_PROMPT_FILE_BYTES) return { problem: error('bad-prompt-file', `task "${baseId}": its promptFile ${JSON.stringify(t.promptFile)} is larger than 16 MB`, where) };
    const text = decodeText(readFileSync(file));
    if (text.includes('\ufffd')) return { problem: error('bad-prompt-file', `task "${baseId}": its promptFile ${JSON.stringify(t.promptFile)} holds a byte that is not UTF-8 (was it saved as Latin-1 or Windows-1252? save it as UTF-8), or U+FFFD, the mark a conversion leaves where it lost a character`, where) };
    if (text.includes('\0')) return { problem: error('nul-byte', `task "${baseId}": its promptFile ${JSON.stringify(t.promptFile)} holds a NUL byte (\\0): is it a binary file? A prompt travels in an environment variable, which cannot carry one`, where) };
    return { text, file };
  } catch (caught) {
    return { problem: error('bad-prompt-file', `task "${baseId}": its promptFile ${JSON.stringify(t.promptFile)} cannot be read: ${ioReason(caught)}`, where) };
  }
}
