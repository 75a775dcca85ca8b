import { basename, relative, resolve } from 'node:path';
import { IoError } from '../errors.js';
import { escapeGlob, expandGlob, isGlobHere } from '../util/glob.js';
import type { Diagnostic } from '../workflow/diagnostics.js';
import { includedFiles } from '../workflow/include.js';
import { loadWorkflowFile } from '../workflow/load.js';
import { STDIN } from '../workflow/stdin.js';
import { applyDisableDirectives } from './disable-directives.js';
import type { SourceMap } from '../workflow/source-map.js';
import { statIfPresent } from '../util/stat-if-present.js';
import { mayBeWorkflow } from './workflow-candidates.js';

export interface FileReport {
  /** The file as shown to the user (relative to the working directory). */
  file: string;
  diagnostics: Diagnostic[];
  /** For source snippets; absent when the file could not be read. */
  source?: SourceMap;
}

export interface LintResult {
  files: FileReport[];
  /** Files or globs that could not be read or matched nothing (exit 2). */
  ioErrors: string[];
  /** YAML files under a directory given that are not workflows (no top-level `version` or `tasks`), as shown. */
  skipped: string[];
  errorCount: number;
  warningCount: number;
}

export interface LintOptions {
  configPath?: string;
  cwd?: string;
  /** The file that standard input (`-`) stands for. */
  stdinName?: string;
}

/** The config file names, which a directory's YAML files are not workflows of. */
const CONFIG_FILE = /^(orchestrate\.config|\.orchestraterc)(\.ya?ml)?$/;

/**
 * Expands the patterns into files: literal paths as given (`-` too,
 * standard input), globs sorted, and
 * a directory into the .yaml and .yml files under it at any depth, as ESLint
 * and yamllint take directories — config files and the YAML of other tools
 * (`skipped`: no top-level `version` or `tasks`) left out.
 */
export function resolvePatterns(patterns: string[], cwd: string): { files: string[]; ioErrors: string[]; skipped: string[] } {
  const files: string[] = [];
  const ioErrors: string[] = [];
  const skipped: string[] = [];
  for (const pattern of patterns) {
    if (!pattern.trim()) {
      ioErrors.push('an empty path was given: name a workflow file, a glob or a directory');
      continue;
    }
    if (pattern === STDIN) {
      files.push(pattern);
      continue;
    }
    if (isDirectory(resolve(cwd, pattern))) {
      const base = pattern.replace(/\/+$/, '') || '/';
      const yaml = expandGlob(`${base === '/' ? '' : escapeGlob(base)}/**/*.{yaml,yml}`, cwd).filter((f) => !CONFIG_FILE.test(basename(f)));
      const matches = yaml.filter((f) => mayBeWorkflow(resolve(cwd, f)));
      const workflows = new Set(matches);
      if (!yaml.length) ioErrors.push(`no workflow files (*.yaml, *.yml) in ${pattern}`);
      else if (!matches.length) ioErrors.push(`no workflow files in ${pattern}: ${yaml.length === 1 ? 'its one YAML file has no' : `none of its ${yaml.length} YAML files has a`} top-level version or tasks key`);
      else skipped.push(...yaml.filter((f) => !workflows.has(f)));
      files.push(...matches);
      continue;
    }
    if (!isGlobHere(pattern, cwd)) {
      files.push(pattern);
      continue;
    }
    const matches = expandGlob(pattern, cwd);
    if (!matches.length) ioErrors.push(`no files match ${pattern}`);
    files.push(...matches);
  }
  return { files: [...new Set(files)], ioErrors, skipped: [...new Set(skipped)].filter((f) => !files.includes(f)) };
}

function isDirectory(path: string): boolean {
  return statIfPresent(path)?.isDirectory() ?? false;
}

/** Lints workflow files; never throws for a user mistake. */
export async function lintFiles(patterns: string[], options: LintOptions = {}): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const { files, ioErrors, skipped } = resolvePatterns(patterns, cwd);
  const reports: FileReport[] = [];
  // A file included by another is reported once, however often it is reached.
  const reported = new Set<string>();
  for (const file of files) {
    try {
      const result = await loadWorkflowFile(file, { configPath: options.configPath, stdinName: options.stdinName });
      // Warnings the project's config file turns off, in every file (its own and those it includes).
      const off: ReadonlySet<string> = new Set(result.config?.lint?.disable);
      for (const one of [result, ...includedFiles(result)]) {
        if (reported.has(one.file)) continue;
        // Its lint-disable comments apply to its own warnings, included files' to theirs.
        const diagnostics = applyDisableDirectives(one.diagnostics, one.source.text).filter((d) => d.severity !== 'warning' || !off.has(d.code));
        if (one !== result && !diagnostics.length) continue;
        reported.add(one.file);
        reports.push({ file: display(one.file, cwd), diagnostics, source: one.source });
      }
    } catch (caught) {
      if (caught instanceof IoError) ioErrors.push(caught.message);
      else throw caught;
    }
  }
  let errorCount = 0;
  let warningCount = 0;
  for (const report of reports) {
    for (const d of report.diagnostics) {
      if (d.severity === 'error') errorCount++;
      else warningCount++;
    }
  }
  return { files: reports, ioErrors, skipped: skipped.map((f) => display(resolve(cwd, f), cwd)), errorCount, warningCount };
}

function display(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}
