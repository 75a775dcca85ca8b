import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { findBottlenecks } from '../../analysis/bottlenecks.js';
import { EXIT, ioErrorFrom, UsageError } from '../../errors.js';
import { formatRunReport, REPORT_MARK, type LaneMode } from '../../report/run-report-html.js';
import { formatJunitReport, JUNIT_MARK } from '../../report/run-report-junit.js';
import { formatTraceReport, TRACE_MARK } from '../../report/run-report-trace.js';
import { openStore } from '../../store/open-store.js';
import { HISTORY_RUNS } from '../../store/history-estimates.js';
import { reportData } from '../../store/queries.js';
import { runStatus } from '../run-liveness.js';
import { runNamedOrLatest } from '../run-name.js';
import { writeWhole } from '../../util/write-whole.js';
import { computeStats } from '../../store/stats.js';
import { loadWorkflowFile } from '../../workflow/load.js';
import { writeOut } from '../output.js';
import { existingStatePath, workflowHistory } from '../history-store.js';
import { makeDirectory } from '../../util/make-directory.js';
import { readHeadIfReadable } from '../../util/read-head.js';

/** The file each format is written to in the run's directory, by default. */
const DEFAULT_NAME = { html: 'report.html', junit: 'report.xml', trace: 'trace.json' };

/** `orchestrate report [RUN_ID] [--out file] [--format html|junit|trace]`: one self-contained HTML page of a run, its JUnit XML, or its Chrome trace. */
export async function reportCommand(runId: string | undefined, options: { out?: string; state?: string; lanes?: LaneMode; format?: 'html' | 'junit' | 'trace' }): Promise<number> {
  const format = options.format ?? 'html';
  const path = await existingStatePath(process.cwd(), options.state);
  const db = openStore(path, 'read');
  let data;
  let stats;
  try {
    data = reportData(db, runNamedOrLatest(db, runId).id)!;
    // No end recorded: a report of a run still going on says so (else it ended unfinished).
    data.run.status = runStatus(data.run);
    // The page's findings: of the workflow's latest runs, as estimates are (JUnit and the trace have none).
    if (format === 'html') stats = computeStats(db, data.run.file, HISTORY_RUNS);
  } finally {
    db.close();
  }
  const out = resolve(options.out ?? join(dirname(path), 'runs', data.run.id, DEFAULT_NAME[format]));
  if (!isReportOrAbsent(out)) throw new UsageError(`${out} exists and is not an orchestrate report: not overwritten (remove it, or choose another --out)`);
  let text: string;
  if (format === 'junit') text = formatJunitReport(data);
  else if (format === 'trace') text = formatTraceReport(data, options.lanes);
  else {
    // The plan-based findings need the workflow file as it is now, if it still loads.
    const loaded = existsSync(data.run.file) ? await loadWorkflowFile(data.run.file).catch(() => undefined) : undefined;
    const workflow = loaded?.workflow;
    const { estimates: history, retryTimes, costs, expansions } = workflow ? await workflowHistory(workflow, options.state) : {};
    text = formatRunReport(data, findBottlenecks({ workflow, history, retryTimes, expansions, costs, tasks: stats!.tasks, agents: stats!.agents, cpus: availableParallelism() }), options.lanes);
  }
  try {
    makeDirectory(dirname(out));
    // An earlier report there stays as it was if this one cannot be written whole.
    writeWhole(out, text);
  } catch (error) {
    throw ioErrorFrom(out, error, 'write');
  }
  await writeOut(`${relative(process.cwd(), out) || out}\n`);
  return EXIT.ok;
}

/** An earlier report may be replaced; any other file (a mistyped --out) is the user's. */
function isReportOrAbsent(path: string): boolean {
  const head = readHeadIfReadable(path, 1024);
  // Absent, or not readable: writing it says what is wrong.
  return head === undefined || head.includes(REPORT_MARK) || head.includes(JUNIT_MARK) || head.includes(TRACE_MARK);
}
