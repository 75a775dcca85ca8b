import type { ReportData } from '../store/queries.js';
import { layoutBars, type LaneMode } from './run-report-html.js';

/** What marks a file as one of ours (it opens every trace, so an earlier one may be replaced). */
export const TRACE_MARK = '"generator":"orchestrate report"';

/**
 * A run in the Trace Event Format of Chrome's tracing, which Perfetto
 * (ui.perfetto.dev), chrome://tracing and speedscope open — as Turborepo's
 * `--profile` and Bazel's `--profile` write theirs: one complete event
 * (`ph: "X"`) per attempt, on one thread per lane of the HTML report's
 * Gantt (concurrency slots, or each agent's slots), times in microseconds
 * from the run's start. Everything in it comes from the history, so it is masked.
 */
export function formatTraceReport(data: ReportData, lanes: LaneMode = 'slot'): string {
  const { run } = data;
  const layout = layoutBars(data, lanes);
  const us = (seconds: number) => Math.round(seconds * 1e6);
  const pid = 1;
  const events: object[] = [{ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `${run.workflow} (run ${run.id})` } }];
  layout.laneNames.forEach((name, lane) => {
    events.push({ name: 'thread_name', ph: 'M', pid, tid: lane + 1, args: { name } });
    events.push({ name: 'thread_sort_index', ph: 'M', pid, tid: lane + 1, args: { sort_index: lane } });
  });
  for (const bar of layout.bars) {
    events.push({
      name: bar.task,
      cat: bar.status,
      ph: 'X',
      ts: us(bar.start),
      dur: us(bar.end - bar.start),
      pid,
      tid: bar.lane + 1,
      args: { attempt: bar.attempt, status: bar.status, queueWaitMs: Math.round(bar.wait * 1000), criticalPath: bar.critical, ...(bar.message ? { error: bar.message } : {}) },
    });
  }
  const trace = {
    otherData: { generator: 'orchestrate report', runId: run.id, workflow: run.workflow, status: run.status, startedAt: run.started_at },
    displayTimeUnit: 'ms',
    traceEvents: events,
  };
  return `${JSON.stringify(trace)}\n`;
}
