import { EXIT } from '../../errors.js';
import { lintFiles, type LintResult } from '../../lint/lint-files.js';
import { useColor } from '../../report/colors.js';
import { formatGithub } from '../../report/lint-github.js';
import { formatLintJson } from '../../report/lint-json.js';
import { formatSarif } from '../../report/lint-sarif.js';
import { formatGitlab } from '../../report/lint-gitlab.js';
import { formatStylish } from '../../report/lint-stylish.js';
import { writeErr, writeOut } from '../output.js';
import { packageVersion } from '../version.js';

export interface LintCommandOptions {
  format: 'stylish' | 'json' | 'github' | 'sarif' | 'gitlab';
  maxWarnings?: number;
  config?: string;
  quiet?: boolean;
  /** The file that standard input (`-`) stands for. */
  stdinFilename?: string;
}

function withoutWarnings(result: LintResult): LintResult {
  return {
    ...result,
    warningCount: 0,
    files: result.files.map((f) => ({ ...f, diagnostics: f.diagnostics.filter((d) => d.severity === 'error') })),
  };
}

/** The first five files, and how many more. */
function namesOf(files: readonly string[]): string {
  return `${files.slice(0, 5).join(', ')}${files.length > 5 ? ` and ${files.length - 5} more` : ''}`;
}

/** `orchestrate lint`: 0 clean, 1 errors (or too many warnings), 2 unreadable files. */
export async function lintCommand(patterns: string[], options: LintCommandOptions): Promise<number> {
  const full = await lintFiles(patterns, { configPath: options.config, stdinName: options.stdinFilename });
  const result = options.quiet ? withoutWarnings(full) : full;
  const text =
    options.format === 'json' ? formatLintJson(result)
    : options.format === 'github' ? formatGithub(result)
    : options.format === 'sarif' ? formatSarif(result, packageVersion())
    : options.format === 'gitlab' ? formatGitlab(result)
    : formatStylish(result, { color: useColor(process.stdout) });
  await writeOut(text);
  if (full.skipped.length && !options.quiet) await writeErr(`orchestrate: not linted, as not workflows (no top-level version or tasks key): ${namesOf(full.skipped)}\n`);
  for (const message of full.ioErrors) await writeErr(`orchestrate: ${message}\n`);
  if (full.ioErrors.length) return EXIT.usage;
  if (full.errorCount) return EXIT.failed;
  if (options.maxWarnings !== undefined && full.warningCount > options.maxWarnings) {
    await writeErr(`orchestrate: ${full.warningCount} warning${full.warningCount === 1 ? '' : 's'}, more than --max-warnings ${options.maxWarnings}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
