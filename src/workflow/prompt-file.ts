import { readFileSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { ioReason } from '../errors.js';
import { decodeText } from '../util/decode-text.js';
import { globToRegExp, isGlob } from '../util/glob.js';
import { expandHome } from '../util/home-path.js';
import { error, warning, type Diagnostic, type DocPath } from './diagnostics.js';
import type { Task as TaskFile } from './schema-types.js';

/** A prompt file larger than this is refused: a prompt travels in memory, on stdin and in a file. */
const MAX_PROMPT_FILE_BYTES = 16 * 1024 * 1024;

/** The task (other than `except`) that declares a file among its artifacts, if one does. */
export type ArtifactWriter = (file: string, except: string) => string | undefined;

/**
 * A task's prompt text: its `prompt`, or the text of its `promptFile`
 * (relative to the workflow file), read once, here; or the problem with it.
 * A prompt file another task writes is read as it was before the run (`stale`).
 */
export function promptOf(baseId: string, t: TaskFile, dir: string, at: DocPath, writerOf: ArtifactWriter = () => undefined): { text?: string; file?: string; problem?: Diagnostic; stale?: Diagnostic } {
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
    const writer = writerOf(file, baseId);
    if (writer === undefined) return { text, file };
    const stale = warning('stale-prompt-file', `task "${baseId}": its promptFile ${JSON.stringify(t.promptFile)} is read when the workflow is loaded, before any task runs, so its prompt is the file as it was then, not what task "${writer}" writes there (an artifact)${handOn(writer)}`, where);
    return { text, file, stale };
  } catch (caught) {
    const writer = (caught as NodeJS.ErrnoException).code === 'ENOENT' ? writerOf(file, baseId) : undefined;
    const hint = writer === undefined ? '' : `; it is read when the workflow is loaded, before any task runs, and task "${writer}" writes it (an artifact)${handOn(writer)}`;
    return { problem: error('bad-prompt-file', `task "${baseId}": its promptFile ${JSON.stringify(t.promptFile)} cannot be read: ${ioReason(caught)}${hint}`, where) };
  }
}

/** How a task's text reaches a prompt at run time. */
function handOn(writer: string): string {
  return `: hand its text on as an output instead (\`captureStdout\` on "${writer}", then \`prompt: \${{ tasks.${writer}.outputs.KEY }}\`), or have the agent's command read the file`;
}

/**
 * A finder of the task whose declared artifacts name a file (by its path or
 * a glob, both relative to the task's cwd; templated ones are not known).
 * The artifacts are gathered once, at the first question: a path is looked
 * up, only globs are tried one by one.
 */
export function artifactWriters(tasks: Readonly<Record<string, TaskFile>>, agentCwd: (agent: string) => string | undefined, dir: string): ArtifactWriter {
  let paths: Map<string, string[]> | undefined;
  const globs: Array<{ id: string; cwd: string; pattern: RegExp }> = [];
  const gather = () => {
    paths = new Map();
    for (const [id, t] of Object.entries(tasks)) {
      const cwdText = t.cwd ?? (t.agent !== undefined ? agentCwd(t.agent) : undefined) ?? '.';
      if (!t.artifacts?.length || cwdText.includes('${{')) continue;
      const cwd = resolve(dir, expandHome(cwdText));
      for (const artifact of t.artifacts) {
        if (artifact.includes('${{')) continue;
        const path = resolve(cwd, artifact);
        paths.set(path, [...(paths.get(path) ?? []), id]);
        if (isGlob(artifact)) globs.push({ id, cwd, pattern: globToRegExp(artifact) });
      }
    }
    return paths;
  };
  return (file, except) => {
    const exact = (paths ?? gather()).get(file)?.find((id) => id !== except);
    if (exact !== undefined) return exact;
    return globs.find((g) => g.id !== except && g.pattern.test(relative(g.cwd, file).split(sep).join('/')))?.id;
  };
}
