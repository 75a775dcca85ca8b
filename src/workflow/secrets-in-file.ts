import { secretVariableMatcher } from '../util/secret-names.js';
import { warning, type Diagnostic, type DocPath } from './diagnostics.js';
import { hasTemplate } from './templates.js';
import { envScopes } from './check-warnings.js';
import { isMapping } from '../util/is-mapping.js';
import type { WorkflowFile } from './schema-types.js';

/** The shortest value masked as a secret (as the runner's masker). */
const SHORTEST = 3;

/** An `env` value of a secret variable written in the workflow file itself. */
export interface WrittenSecret {
  name: string;
  value: string;
  at: DocPath;
}

/**
 * The values the file writes for secret variables (named in `secrets:` or
 * looking secret) in an `env` — the workflow's, an agent's or a task's — as
 * text, not read from the environment by a template: the runner masks them
 * in what tasks print, and lint hides them where it shows a line of the file.
 */
export function secretsWrittenInFile(raw: WorkflowFile, patterns: readonly string[]): WrittenSecret[] {
  const isSecret = secretVariableMatcher(Array.isArray(raw.secrets) ? raw.secrets.filter((s): s is string => typeof s === 'string') : [], patterns);
  const written: WrittenSecret[] = [];
  for (const { env, at } of envScopes(raw)) {
    if (!isMapping(env)) continue;
    for (const [name, value] of Object.entries(env)) {
      if (!isSecret(name) || value === null || typeof value === 'object') continue;
      const text = String(value);
      if (text.length >= SHORTEST && !hasTemplate(text)) written.push({ name, value: text, at: [...at, name] });
    }
  }
  return written;
}

/**
 * What looks like a credential rather than a name or a path that a secret-looking
 * variable holds (`SSH_KEY_PATH: ~/.ssh/id_ed25519`, `KEY_NAME: primary`):
 * at least 8 characters, no spaces, letters and digits both, not a path.
 */
function looksLikeCredential(value: string): boolean {
  return value.length >= 8 && !/\s/.test(value) && /[A-Za-z]/.test(value) && /\d/.test(value) && !/^(?:[~./]|[A-Za-z]:\\)/.test(value);
}

/**
 * A credential written in the file (`OPENAI_API_KEY: sk-...`): whoever can
 * read the file, or its history once committed, has it. The environment (a
 * CI's secrets) or a dotenv file kept out of git is the place for it.
 */
export function secretsInFile(written: readonly WrittenSecret[]): Diagnostic[] {
  return written.filter((w) => looksLikeCredential(w.value)).map((w) => warning('secret-in-file', `the value of ${w.name} is written in the workflow file, so whoever can read the file (or its git history) has it: set ${w.name} in the environment (a CI secret) or in a dotenv file git ignores, where tasks get it from, instead`, w.at));
}
