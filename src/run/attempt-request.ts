import { isAbsolute, resolve } from 'node:path';
import type { TaskSpec } from '../workflow/model.js';
import { renderTemplate, type TemplateRef } from '../workflow/templates.js';
import { renderParams } from '../workflow/param-texts.js';
import type { AttemptRequest } from './attempt.js';

/** What an attempt's request takes from the run. */
export interface AttemptContext {
  runId: string;
  attempt: number;
  previousError?: AttemptRequest['previousError'];
  logFile: string;
  outputFile: string;
  summaryFile: string;
  /** A template's run-time value (a need's output, an environment variable); `env`: the task's own, rendered so far. */
  valueOf: (ref: TemplateRef, env: Readonly<Record<string, string>>) => string | undefined;
  /** Why a template reads empty, when it reads an output its task never set or a member its JSON lacks: a note for the attempt's log. */
  emptyReadNote?: (ref: TemplateRef) => string | undefined;
  gracePeriod: number;
  /** Seconds until the workflow deadline, if it has one: no attempt's timeout runs past it. */
  timeLeft?: number;
  signal: AbortSignal;
  killSignal: AbortSignal;
  onOutput?: AttemptRequest['onOutput'];
}

/** A task's command, prompt, params and own variables, their templates rendered with what its needs reported. */
export function renderedTask(task: TaskSpec, valueOf: AttemptContext['valueOf']): Pick<AttemptRequest, 'command' | 'prompt' | 'env' | 'params'> {
  const render = (text: string) => renderTemplate(text, (ref) => valueOf(ref, env));
  // Only the task's own variables travel; the executor puts them over the base environment.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(task.env)) env[k] = render(v);
  return { command: render(task.command), prompt: task.prompt === undefined ? undefined : render(task.prompt), env, params: renderParams(task.params, render) };
}

/**
 * The task with the run-time templates of its working directory and artifacts
 * filled (an environment variable, a need's output): itself when it has none.
 */
export function placedTask(task: TaskSpec, valueOf: AttemptContext['valueOf']): TaskSpec {
  if (!task.cwd.includes('${{') && !task.artifacts.some((a) => a.includes('${{'))) return task;
  const { env } = renderedTask(task, valueOf);
  const render = (text: string) => renderTemplate(text, (ref) => valueOf(ref, env));
  return { ...task, cwd: renderedCwd(task.cwd, render), artifacts: task.artifacts.map(render) };
}

/**
 * A working directory made absolute when the workflow was loaded, its templates
 * filled now: one that starts a part of the path with an absolute path
 * (`${{ env.HOME }}/cache`) starts the path anew, as it would have had its value
 * been known then.
 */
function renderedCwd(cwd: string, render: (text: string) => string): string {
  const at = cwd.indexOf('${{');
  if (at === -1) return cwd;
  const rest = render(cwd.slice(at));
  return cwd[at - 1] === '/' && isAbsolute(rest) ? resolve(rest) : resolve(cwd.slice(0, at) + rest);
}

/** The request for one attempt of a task (as placedTask gives it): its templates rendered with what its needs reported. */
export function attemptRequest(task: TaskSpec, c: AttemptContext): AttemptRequest {
  const notes = new Set<string>();
  const { command, prompt, env, params } = renderedTask(task, (ref, env) => {
    const note = c.emptyReadNote?.(ref);
    if (note !== undefined) notes.add(note);
    return c.valueOf(ref, env);
  });
  return {
    runId: c.runId,
    taskId: task.id,
    attempt: c.attempt,
    ...(c.previousError ? { previousError: c.previousError } : {}),
    command,
    shell: task.shell,
    prompt,
    params,
    ...(task.agent !== undefined ? { agent: task.agent } : {}),
    ...(task.captureStdout ? { captureStdout: task.captureStdout } : {}),
    ...(task.costOutput ? { costOutput: task.costOutput } : {}),
    ...(task.service ? { service: { ...(task.service.ready !== undefined ? { ready: renderTemplate(task.service.ready, (ref) => c.valueOf(ref, env)) } : {}), interval: task.service.interval, timeout: task.service.timeout } } : {}),
    env,
    cwd: task.cwd,
    timeout: task.timeout !== undefined && c.timeLeft !== undefined ? Math.min(task.timeout, c.timeLeft) : task.timeout,
    gracePeriod: c.gracePeriod,
    logFile: c.logFile,
    outputFile: c.outputFile,
    summaryFile: c.summaryFile,
    signal: c.signal,
    killSignal: c.killSignal,
    onOutput: c.onOutput,
    ...(notes.size ? { notes: [...notes] } : {}),
  };
}
