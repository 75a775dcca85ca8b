import { readHeadBytes } from '../util/read-head.js';
import { decodeText } from '../util/decode-text.js';

/** How much of a file is read to tell: a workflow names `version` or `tasks` long before. */
const PEEK_BYTES = 1024 * 1024;

/** A top-level `version:` or `tasks:` key (quoted or not), at the start of a line. */
const WORKFLOW_KEY = /^["']?(?:version|tasks)["']?[ \t]*:/m;

/**
 * Whether a YAML file found under a directory may be a workflow: its top
 * level names `version` or `tasks`, which every workflow has, or is a flow
 * mapping (`{ ... }`) or cannot be read here, which lint then reports.
 * A docker-compose.yml, a GitHub workflow or a lock file names neither.
 */
export function mayBeWorkflow(path: string): boolean {
  let text: string;
  try {
    text = decodeText(readHeadBytes(path, PEEK_BYTES));
  } catch {
    return true;
  }
  if (WORKFLOW_KEY.test(text.replace(/^\uFEFF/, ''))) return true;
  // Past comments and a document start, a `{` opens a mapping written in flow style.
  return /^\uFEFF?(?:\s*(?:#[^\n]*)?\n)*\s*(?:---[ \t]*(?:#[^\n]*)?\n\s*)?\{/.test(text);
}
