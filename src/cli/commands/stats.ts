import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findBottlenecks, type Finding } from '../../analysis/bottlenecks.js';
import { EXIT, IoError } from '../../errors.js';
import { openStore } from '../../store/open-store.js';
import { computeStats, inWorkflowOrder, type StatsRow } from '../../store/stats.js';
import { statePath } from '../../store/state-path.js';
import { formatDuration } from '../../util/duration.js';
import { tableCell, textWidth } from '../../util/fit-width.js';
import { visibleText } from '../../util/visible-text.js';
import { loadValidWorkflow } from '../load-valid.js';
import { findStatePath, missingStateFile, recordedWorkflowFile, workflowHistory } from '../history-store.js';
import { writeOut } from '../output.js';
import { STDIN } from '../../workflow/stdin.js';

const s = (x: number | null) => (x === null ? '-' : formatDuration(x));

/** The widest a name column grows: a longer name (a matrix expansion of long values) is cut in its middle. */
const NAME_WIDTH = 60;

function table(title: string, rows: StatsRow[]): string[] {
  // Rows of several workflows (no file given) say whose they are, as GitHub's `workflow / job`.
  const several = new Set(rows.map((r) => r.workflow)).size > 1;
  const names = rows.map((r) => visibleText(several ? `${r.workflow} / ${r.name}` : r.name));
  // As wide as the longest name, as kubectl's columns are: a name cut short could be another task's.
  const width = Math.min(NAME_WIDTH, Math.max(textWidth('name'), ...names.map(textWidth)));
  const lines = [title, `  ${tableCell('name', width)} runs  success  retries  mean     p50      p95      p99      wait     wait95   cost`];
  rows.forEach((r, i) => {
    lines.push(`  ${tableCell(names[i]!, width)} ${String(r.runs).padStart(4)}  ${(r.successRate === null ? '-' : `${Math.round(r.successRate * 100)}%`).padStart(7)}  ${String(r.retriesPerRun ?? '-').padStart(7)}  ${[r.duration.mean, r.duration.p50, r.duration.p95, r.duration.p99, r.queueWait.mean, r.queueWait.p95].map((x) => s(x).padEnd(8)).join(' ')} ${r.costPerRun ?? '-'}`);
  });
  return lines;
}

export function formatFindings(findings: Finding[]): string[] {
  if (!findings.length) return ['Bottlenecks', '  none found'];
  return ['Bottlenecks', ...findings.flatMap((f) => [`  [${f.severity}] ${f.kind}${f.workflow !== undefined ? ` (${f.workflow})` : ''}: ${f.reason}`, `         -> ${f.suggestion}`])];
}

/** `orchestrate stats [file]`: statistics per task and agent, and the bottleneck report. */
export async function statsCommand(given: string | undefined, options: { json?: boolean; state?: string; config?: string; limit?: number }): Promise<number> {
  // A workflow's name (`stats ci`) stands for its file, as where a run id goes.
  const file = given === undefined ? undefined : await recordedWorkflowFile(given, options.state);
  // A workflow file removed or renamed since is still in the history, as `history FILE` finds it: its runs, without the findings its plan gives.
  const gone = file !== undefined && file !== STDIN && !existsSync(file);
  const workflow = file && !gone ? await loadValidWorkflow(file, options.config) : undefined;
  const path = workflow ? statePath(workflow.dir, options.state, workflow.stateFile) : (await findStatePath(process.cwd(), options.state)).path;
  // No history yet is no runs yet, as a history without runs of the file is; a --state that is not there is likely mistyped.
  const there = existsSync(path);
  if (!there && options.state !== undefined) throw missingStateFile(path);
  let stats: { tasks: StatsRow[]; agents: StatsRow[] } = { tasks: [], agents: [] };
  if (there) {
    const db = openStore(path, 'read');
    try {
      const found = computeStats(db, workflow ? resolve(workflow.file) : gone ? resolve(file) : undefined, options.limit);
      stats = { tasks: inWorkflowOrder(found.tasks, workflow?.tasks.map((t) => t.id)), agents: inWorkflowOrder(found.agents, workflow && Object.keys(workflow.agents)) };
    } finally {
      db.close();
    }
  }
  // Not there, and never run: a mistyped name.
  if (gone && !stats.tasks.length) throw new IoError(given!, `cannot read ${given}: no such file`);
  const { estimates: history, retryTimes, costs, expansions } = workflow ? await workflowHistory(workflow, options.state) : {};
  const findings = findBottlenecks({ workflow, history, retryTimes, expansions, costs, tasks: stats.tasks, agents: stats.agents, cpus: availableParallelism() });
  const strip = (rows: StatsRow[]) => rows.map(({ samples: _samples, ...row }) => row);
  if (options.json) {
    await writeOut(`${JSON.stringify({ tasks: strip(stats.tasks), agents: strip(stats.agents), bottlenecks: findings }, null, 2)}\n`);
    return EXIT.ok;
  }
  const lines = stats.tasks.length
    ? [...table(`Tasks (durations of successful attempts; wait = queue wait per run${options.limit !== undefined ? `; the latest ${options.limit} run${options.limit === 1 ? '' : 's'} of each workflow` : ''})`, stats.tasks), '']
    : [`No runs${workflow ? ` of ${file}` : ''} recorded yet.`, ''];
  if (gone && stats.tasks.length) lines.unshift(`${file} is not there any more: the runs recorded of it.`, '');
  if (stats.agents.length) lines.push(...table('Agents', stats.agents), '');
  lines.push(...formatFindings(findings));
  await writeOut(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
