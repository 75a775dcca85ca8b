import { escapeRegExp } from './escape-regexp.js';

/** What a secret's value is replaced by wherever it would be shown or kept. */
export const MASK = '***';

/**
 * Whether a name (an environment variable's, an input's) looks secret: it
 * matches one of `patterns`, globs whose `*` is any text, case-insensitive
 * (`*TOKEN*` matches `api_token`).
 */
export function secretNameMatcher(patterns: readonly string[]): (name: string) => boolean {
  const matchers = patterns.map((glob) => new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`, 'i'));
  return (name) => matchers.some((m) => m.test(name));
}

/** Whether a variable's value is a secret: it is named in `secrets:` (`names`), or its name looks secret. */
export function secretVariableMatcher(names: readonly string[], patterns: readonly string[]): (name: string) => boolean {
  const looksSecret = secretNameMatcher(patterns);
  return (name) => names.includes(name) || looksSecret(name);
}
