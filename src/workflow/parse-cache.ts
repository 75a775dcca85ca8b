import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makeStateDirectory } from './project-root.js';
import { writeWhole } from '../util/write-whole.js';

/** At most this many parsed texts are kept; writing one more removes the oldest. */
export const MAX_PARSED = 64;

/**
 * Workflow texts that parsed and passed the schema, kept as JSON under a hash
 * of the text and of the build that parsed them: a run of an unchanged file
 * skips js-yaml and the schema check, which at start-up run as uncompiled
 * code (~15 ms for a 300-task file here), while JSON.parse is native. Only a
 * value JSON gives back exactly is kept — no value reached twice (a YAML
 * alias), no infinite number or -0. Best effort: a cache that cannot be read
 * is a miss, one that cannot be written is left alone. A text is written once
 * the run knows its secrets (`keep`), and not when it holds one.
 */
export class ParseCache {
  /**
   * @param dir where the entries go (the CLI's: `.orchestrate/cache/parsed` of the project)
   * @param build what parsed them: another build (another js-yaml, another schema) misses
   */
  constructor(private readonly dir: string, private readonly build: string) {}

  private entry(text: string): string {
    return join(this.dir, `${sha256(`${this.build}\0${text}`)}.json`);
  }

  /** The parsed value of `text`, if kept whole. */
  get(text: string): unknown {
    try {
      const kept = readFileSync(this.entry(text), 'utf8');
      // The first line is the hash of the rest: an entry damaged on disk is a miss, never a workflow the schema did not check.
      const newline = kept.indexOf('\n');
      const json = kept.slice(newline + 1);
      if (newline !== 64 || kept.slice(0, 64) !== sha256(json)) return undefined;
      return JSON.parse(json) as unknown;
    } catch {
      return undefined;
    }
  }

  /** The texts to keep, as JSON, until `keep` knows the run's secrets. */
  private readonly held = new Map<string, string>();

  /** Holds the parsed value of `text` (valid against the schema), when JSON gives it back exactly, for `keep`. */
  hold(text: string, value: unknown): void {
    // As it is now: what loading does with it later does not change what is kept.
    if (exactInJson(value)) this.held.set(text, JSON.stringify(value));
  }

  /** Writes what it holds, but a text that holds the value of one of `secrets`: none is kept in clear. */
  keep(secrets: readonly string[]): void {
    for (const [text, json] of this.held) if (!secrets.some((secret) => text.includes(secret))) this.write(text, json);
    this.held.clear();
  }

  private write(text: string, json: string): void {
    try {
      makeStateDirectory(this.dir);
      const file = this.entry(text);
      // Renamed into place whole: a run reading at the same moment finds all of it or nothing.
      writeWhole(file, `${sha256(json)}\n${json}`, 0o600);
      this.trim();
    } catch {
      // A read-only project, a full disk: the next run parses again.
    }
  }

  /** Removes the oldest entries beyond MAX_PARSED. */
  private trim(): void {
    const names = readdirSync(this.dir).filter((name) => name.endsWith('.json'));
    if (names.length <= MAX_PARSED) return;
    const aged = names.map((name) => ({ name, at: statSync(join(this.dir, name)).mtimeMs })).sort((a, b) => a.at - b.at);
    for (const { name } of aged.slice(0, aged.length - MAX_PARSED)) unlinkSync(join(this.dir, name));
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Whether JSON.parse(JSON.stringify(value)) gives back the same value, separate objects separate. */
export function exactInJson(root: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const value = stack.pop();
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || Object.is(value, -0)) return false;
      continue;
    }
    if (typeof value !== 'object') return false;
    if (seen.has(value)) return false;
    seen.add(value);
    const proto = Object.getPrototypeOf(value) as unknown;
    if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return false;
    // A loop, not a spread: a list may be longer than a call takes arguments.
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push(child);
  }
  return true;
}
