import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeGlob, expandGlob, globToRegExp, isGlobHere, walkPassesOver } from './glob.js';

describe('glob', () => {
  it('takes a character after \\ as itself', () => {
    expect(globToRegExp('pages/\\[id\\].tsx').test('pages/[id].tsx')).toBe(true);
    expect(globToRegExp('pages/\\[id\\].tsx').test('pages/i.tsx')).toBe(false);
    expect(globToRegExp('a\\*b').test('a*b')).toBe(true);
    expect(globToRegExp('a\\*b').test('axb')).toBe(false);
  });
  it('takes an entry that names an existing path for that path, whatever its characters, and a glob otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glob-'));
    mkdirSync(join(dir, 'pages'));
    writeFileSync(join(dir, 'pages/[id].tsx'), '');
    writeFileSync(join(dir, 'pages/i.tsx'), '');
    expect(isGlobHere('pages/[id].tsx', dir)).toBe(false);
    expect(isGlobHere('pages/[slug].tsx', dir)).toBe(true);
    expect(isGlobHere('pages/*.tsx', dir)).toBe(true);
    expect(expandGlob('pages/\\[id\\].tsx', dir)).toEqual(['pages/[id].tsx']);
    expect(expandGlob('pages/[id].tsx', dir)).toEqual(['pages/i.tsx']);
    // A directory of that kind, to match under.
    mkdirSync(join(dir, 'src/[lang]'), { recursive: true });
    mkdirSync(join(dir, 'src/l'));
    writeFileSync(join(dir, 'src/[lang]/en.json'), '');
    writeFileSync(join(dir, 'src/l/x.json'), '');
    expect(expandGlob(`${escapeGlob('src/[lang]')}/**`, dir)).toEqual(['src/[lang]/en.json']);
    expect(escapeGlob('a*b?c[d]{e}\\f')).toBe('a\\*b\\?c\\[d\\]\\{e\\}\\\\f');
  });

  it('translates *, ** and braces', () => {
    expect(globToRegExp('a/*.yaml').test('a/x.yaml')).toBe(true);
    expect(globToRegExp('a/*.yaml').test('a/b/x.yaml')).toBe(false);
    expect(globToRegExp('a/**/*.yaml').test('a/b/c/x.yaml')).toBe(true);
    expect(globToRegExp('a/**/*.yaml').test('a/x.yaml')).toBe(true);
    expect(globToRegExp('*.{yaml,yml}').test('x.yml')).toBe(true);
  });
  it('takes **/** for **, in no time however many follow each other', () => {
    const deep = `${Array.from({ length: 25 }, (_, i) => `d${i}`).join('/')}/y`;
    const many = globToRegExp(`${'**/'.repeat(12)}x`);
    const started = performance.now();
    expect(many.test(deep)).toBe(false);
    expect(many.test(`${deep}/x`)).toBe(true);
    expect(many.test('x')).toBe(true);
    // Generous: backtracking took seconds at ten, and doubles with each.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(globToRegExp('a/**/**').test('a/b/c')).toBe(true);
    expect(globToRegExp('a/**/**/b').source).toBe(globToRegExp('a/**/b').source);
  });

  it('matches names with a newline in them, as the shell does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glob-'));
    mkdirSync(join(dir, 'src/deep'), { recursive: true });
    for (const f of ['src/a\nb.txt', 'src/deep/c\n']) writeFileSync(join(dir, f), '');
    expect(expandGlob('src/**', dir)).toEqual(['src/a\nb.txt', 'src/deep/c\n']);
    expect(expandGlob('src/*.txt', dir)).toEqual(['src/a\nb.txt']);
    expect(expandGlob('src/**/c?', dir)).toEqual(['src/deep/c\n']);
  });
  it('expands against the file system, sorted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glob-'));
    mkdirSync(join(dir, 'w/sub'), { recursive: true });
    for (const f of ['w/b.yaml', 'w/a.yaml', 'w/c.txt', 'w/sub/d.yaml']) writeFileSync(join(dir, f), '');
    expect(expandGlob('w/*.yaml', dir)).toEqual(['w/a.yaml', 'w/b.yaml']);
    expect(expandGlob('w/**/*.yaml', dir)).toEqual(['w/a.yaml', 'w/b.yaml', 'w/sub/d.yaml']);
  });
  it('walks each directory once, so symbolic links back up the tree end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glob-'));
    mkdirSync(join(dir, 'w/a/b'), { recursive: true });
    writeFileSync(join(dir, 'w/x.yaml'), '');
    symlinkSync('..', join(dir, 'w/a/b/up'));
    symlinkSync('../..', join(dir, 'w/a/b/up2'));
    expect(expandGlob('w/**/*.yaml', dir)).toEqual(['w/x.yaml']);
  });
  it('says which files a walk passes over, as expandGlob finds them: in hidden directories and node_modules below the base, unless named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'walk-'));
    for (const file of ['src/a.js', 'src/.cache/b.js', 'node_modules/x/c.js', '.github/ci.yml', '.eslintrc.js', 'src/node_modules/d.js']) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), 'x');
    }
    for (const pattern of ['**/*', '**/*.js', 'src/**', '.github/**', 'node_modules/**/*.js', '**/.cache/*.js']) {
      const found = new Set(expandGlob(pattern, dir));
      const matcher = globToRegExp(pattern);
      for (const file of ['src/a.js', 'src/.cache/b.js', 'node_modules/x/c.js', '.github/ci.yml', '.eslintrc.js', 'src/node_modules/d.js']) {
        // What the pattern matches, less what the walk passes over, is what it finds.
        expect(matcher.test(file) && !walkPassesOver(pattern, dir, join(dir, file)), `${pattern} ${file}`).toBe(found.has(file));
      }
    }
    // A directory means everything under it, its hidden directories aside; a path outside it is not for it to say.
    expect(walkPassesOver('src', dir, join(dir, 'src/.cache/b.js'))).toBe(true);
    expect(walkPassesOver('src', dir, join(dir, 'src/a.js'))).toBe(false);
    expect(walkPassesOver('src', dir, join(dir, '.github/ci.yml'))).toBe(false);
    expect(walkPassesOver('.', dir, join(dir, '.eslintrc.js'))).toBe(false);
  });
});
