import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { escapeRegExp } from './escape-regexp.js';

const MAGIC = /[*?[{]/;

/** Whether the text has glob characters. */
export function isGlob(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/**
 * Whether an entry is a glob where it is read: it has glob characters and
 * does not name an existing path. A path that exists is itself, as git's
 * pathspecs take one, whatever its characters: Next.js's `pages/[id].tsx` is
 * that file, not `pages/i.tsx` or `pages/d.tsx` (`\[` escapes a character too).
 */
export function isGlobHere(entry: string, cwd: string): boolean {
  return isGlob(entry) && !existsSync(resolve(cwd, entry));
}

/** A path as a glob that matches it alone: its glob characters escaped (a directory `src/[lang]` under which to match). */
export function escapeGlob(path: string): string {
  return path.replace(/[*?[\]{}\\]/g, '\\$&');
}

/** A glob as a regular expression over `/`-separated paths: `*`, `?`, `**`, `[abc]`, `{a,b}`; `\` makes the next character itself. */
export function globToRegExp(given: string): RegExp {
  // `**/**` is `**`: each more of them in a row made the expression backtrack twice as long (ten took seconds per path).
  const pattern = given.split('/').filter((part, i, parts) => !(part === '**' && parts[i - 1] === '**')).join('/');
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const slash = pattern[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else {
        re += '[^/]*';
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      // An escaped character is itself: `\[id\].tsx`, `\*`.
      re += escapeRegExp(pattern[++i]!);
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = pattern.indexOf('}', i + 1);
      if (end === -1) re += '\\{';
      else {
        re += `(?:${pattern.slice(i + 1, end).split(',').map(escape).join('|')})`;
        i = end;
      }
    } else re += escapeRegExp(c);
  }
  // dotAll: `**` crosses a newline in a name too, as `*` and `?` do.
  return new RegExp(`^${re}$`, 's');
}

/** The directory a glob's walk starts from: its parts before the first with glob characters (`src/lib/*.ts` -> `src/lib`; `*.ts` -> `.`). */
export function globBase(pattern: string): string {
  const normalized = pattern.split(sep).join('/');
  const parts = normalized.split('/');
  return parts.slice(0, parts.findIndex((p) => isGlob(p))).join('/') || (normalized.startsWith('/') ? '/' : '.');
}

/** Whether a walk for `pattern` passes over a directory: a hidden one or node_modules that the pattern does not name. */
function passesOver(name: string, pattern: string): boolean {
  return (name.startsWith('.') || name === 'node_modules') && !pattern.includes(name);
}

/**
 * Whether expanding `pattern` (a glob, or a directory meaning everything under
 * it) from `cwd` would pass over `file` (absolute) without looking: it lies in a
 * directory below the pattern's base that the walk skips. So that a changed
 * file counts for what a pattern matches as expandGlob finds it.
 */
export function walkPassesOver(pattern: string, cwd: string, file: string): boolean {
  const normalized = pattern.split(sep).join('/');
  const below = relative(resolve(cwd, isGlob(normalized) ? globBase(normalized) : normalized), file);
  if (below === '' || below === '..' || below.startsWith(`..${sep}`) || isAbsolute(below)) return false;
  return below.split(sep).slice(0, -1).some((name) => passesOver(name, normalized));
}

/**
 * Expands a glob relative to `cwd` into sorted file paths (as typed: relative
 * stays relative). Hidden directories and node_modules are skipped unless named.
 */
export function expandGlob(pattern: string, cwd = process.cwd()): string[] {
  const normalized = pattern.split(sep).join('/');
  const parts = normalized.split('/');
  const firstMagic = parts.findIndex((p) => isGlob(p));
  const base = globBase(pattern);
  const matcher = globToRegExp(normalized.startsWith('./') ? normalized.slice(2) : normalized);
  const out: string[] = [];
  // Without `**`, a glob cannot match deeper than its own number of parts.
  const maxDepth = normalized.includes('**') ? Infinity : parts.length - firstMagic;
  // Each directory once, by device and inode: a symbolic link back up the tree is not a way down for ever.
  const visited = new Set<string>();
  const walk = (dir: string, depth = 1) => {
    let entries;
    try {
      const stat = statSync(resolve(cwd, dir));
      const key = `${stat.dev}:${stat.ino}`;
      if (visited.has(key)) return;
      visited.add(key);
      entries = readdirSync(resolve(cwd, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = dir === '.' ? entry.name : dir === '/' ? `/${entry.name}` : `${dir}/${entry.name}`;
      if (entry.isDirectory() || (entry.isSymbolicLink() && isDir(resolve(cwd, path)))) {
        if (passesOver(entry.name, normalized)) continue;
        if (depth < maxDepth) walk(path, depth + 1);
      } else if (matcher.test(path.startsWith('./') ? path.slice(2) : path)) {
        out.push(path);
      }
    }
  };
  walk(base.startsWith('./') ? base.slice(2) || '.' : base);
  return out.sort();
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
