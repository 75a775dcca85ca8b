import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempProject, type CliResult } from './cli.js';

export interface RunOutcome extends CliResult {
  dir: string;
  result: any;
  events: any[];
}

/** Writes `files` into a fresh project, runs `orchestrate run workflow.yaml --json`, and reads the events. */
export function runProject(files: Record<string, string>, args: string[] = [], env: NodeJS.ProcessEnv = {}): RunOutcome {
  const dir = tempProject({ 'package.json': '{"name":"t","private":true}', ...files });
  const r = cli(['run', 'workflow.yaml', '--json', ...args], { cwd: dir, env });
  let result: any;
  try {
    result = JSON.parse(r.stdout);
  } catch {
    throw new Error(`no JSON result (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  const events = readFileSync(join(result.logDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { ...r, dir, result, events };
}

export function task(result: any, id: string): any {
  return result.tasks.find((t: any) => t.id === id);
}

/** Every file under a directory, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}
