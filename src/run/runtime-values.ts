import { expansionsByMatrixTask } from '../workflow/expand-matrix.js';
import type { Workflow } from '../workflow/model.js';
import { expansionsOutputAt, isJsonText, memberAt, outputAt, type TemplateRef } from '../workflow/templates.js';
import { groupEnd } from './runtime-matrix.js';
import { FINAL, type TaskState } from './task-state.js';
import { ownValue } from '../util/own-value.js';

/**
 * What a template or a `when` reads while a run goes on: an output of a task
 * it needs, how it ended, an environment variable. `workflow.tasks` and
 * `states` are the run's own, which grow as the expansions of a matrix from
 * outputs join.
 */
export class RuntimeValues {
  private expansionsByTask?: Map<string, number[]>;

  constructor(private readonly workflow: Workflow, private readonly states: readonly TaskState[], private readonly baseEnv: Readonly<Record<string, string | undefined>>) {}

  /**
   * The value of `ref` (`env` is the task's own, read before the base
   * environment); undefined for what was filled at load time.
   */
  valueOf(ref: TemplateRef, env: Readonly<Record<string, string>>, outputsOf: (t: number) => Readonly<Record<string, string>> = (t) => this.states[t]!.outputs): string | undefined {
    if (ref.kind === 'task-output') {
      const d = this.workflow.taskIndex.get(ref.task);
      // A matrix task's output is its expansions' as a JSON list, in their order (Argo's aggregated outputs).
      const expansions = d === undefined ? this.matrixExpansions().get(ref.task) : this.workflow.tasks[d]!.dynamicMatrix ? this.states[d]!.expansions ?? [] : undefined;
      if (expansions) return expansionsOutputAt(expansions.map((e) => ownValue(outputsOf(e), ref.key) ?? ''), ref.path);
      return d === undefined ? undefined : outputAt(ownValue(outputsOf(d), ref.key) ?? '', ref.path);
    }
    if (ref.kind === 'task-status') {
      const d = this.workflow.taskIndex.get(ref.task);
      // A written matrix task needed whole ended as its expansions did together, as a matrix from outputs does.
      const expansions = d === undefined ? this.matrixExpansions().get(ref.task) : undefined;
      if (expansions) return expansions.length && expansions.every((e) => FINAL.has(this.states[e]!.state)) ? groupEnd(expansions.map((e) => this.states[e]!)).status : '';
      const state = d === undefined ? undefined : this.states[d]!.state;
      return state !== undefined && FINAL.has(state) ? state : '';
    }
    if (ref.kind === 'env') return ownValue(env, ref.key) ?? ownValue(this.baseEnv, ref.key) ?? '';
    // Last, when the task runs: filled at load, `${{ '${{' }}` would make a template of what follows it.
    if (ref.kind === 'literal') return ref.value;
    return undefined;
  }

  /**
   * Why `ref` reads empty when it reads an output one task never set (a typo
   * of its key, a script that did not write it), or a member its JSON does
   * not have, or undefined: as GitHub Actions, the template reads empty, but
   * the reader's log says so. `afterSuccess`: only of a task that succeeded.
   */
  emptyReadNote(ref: TemplateRef, afterSuccess = false): string | undefined {
    if (ref.kind !== 'task-output') return undefined;
    const d = this.workflow.taskIndex.get(ref.task);
    const expansions = d === undefined ? this.matrixExpansions().get(ref.task) : this.workflow.tasks[d]!.dynamicMatrix ? this.states[d]!.expansions ?? [] : undefined;
    if (!expansions) return d === undefined ? undefined : this.unsetIn(ref, d, ref.path, afterSuccess);
    if (afterSuccess) return undefined;
    const [first, ...rest] = ref.path ?? [];
    // A whole matrix reads "" for each expansion that set none; by a leading index, one expansion's, as a task's own.
    if (first === undefined || !/^\d+$/.test(first)) return this.unsetInExpansions(ref, expansions);
    const e = expansions[Number(first)];
    if (e === undefined) return `${ref.text} reads empty: "${ref.task}" has ${expansions.length} expansion${expansions.length === 1 ? '' : 's'}, so none at index ${first} (the first is 0)`;
    return this.unsetIn(ref, e, rest.length ? rest : undefined, false);
  }

  /** Why `ref` reads empty of task `d` (the task it names, or one expansion of it), at `path` of its output. */
  private unsetIn(ref: Extract<TemplateRef, { kind: 'task-output' }>, d: number, path: readonly string[] | undefined, afterSuccess: boolean): string | undefined {
    const { outputs, state } = this.states[d]!;
    if (afterSuccess && state !== 'succeeded') return undefined;
    const name = this.workflow.tasks[d]!.id;
    const value = ownValue(outputs, ref.key);
    if (value !== undefined) {
      if (!path || memberAt(value, path) !== undefined) return undefined;
      const json = isJsonText(value);
      return `${ref.text} reads empty: output "${ref.key}" of "${name}" ${json ? `has no member "${path.join('.')}"` : 'is not JSON'}`;
    }
    const set = Object.keys(outputs).map((key) => `"${key}"`);
    return `${ref.text} reads empty: "${name}" ${state === 'succeeded' ? '' : `ended ${state} and `}set no output "${ref.key}"${set.length ? ` (it set ${set.join(', ')})` : ''}`;
  }

  /**
   * Which expansions of a whole matrix that `ref` reads set no output of its
   * key, and, for a member path, which set one without that member, if any.
   */
  private unsetInExpansions(ref: Extract<TemplateRef, { kind: 'task-output' }>, expansions: readonly number[]): string | undefined {
    const path = ref.path;
    const values = expansions.map((e) => ownValue(this.states[e]!.outputs, ref.key));
    // What each of those reads in the list: "" for a whole output, null for a member.
    const reads = path ? 'null' : '""';
    const note = (ids: string[], what: string, none: string) => ids.length === expansions.length
      ? `${ref.text} reads ${reads} for each: none of the ${expansions.length} expansions of "${ref.task}" ${none}`
      : `${ref.text} reads ${reads} for ${ids.length === 1 ? 'one' : 'some'}: ${ids.length} of the ${expansions.length} expansions of "${ref.task}" (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', ...' : ''}) ${what}`;
    const ids = (pick: (value: string | undefined) => boolean) => expansions.filter((_, k) => pick(values[k])).map((e) => this.workflow.tasks[e]!.id);
    const notes: string[] = [];
    const unset = ids((value) => value === undefined);
    if (unset.length) notes.push(note(unset, `set no output "${ref.key}"`, `set an output "${ref.key}"`));
    const lacking = path ? ids((value) => value !== undefined && memberAt(value, path) === undefined) : [];
    if (lacking.length) notes.push(note(lacking, `set an output "${ref.key}" with no member "${path!.join('.')}"`, `set an output "${ref.key}" with a member "${path!.join('.')}"`));
    return notes.length ? notes.join('; ') : undefined;
  }

  /** Whether what `ref` reads of other tasks can no longer change: every task it names (a matrix: each expansion) has ended. */
  settled(ref: TemplateRef): boolean {
    if (ref.kind !== 'task-output' && ref.kind !== 'task-status') return true;
    const read = this.read(ref);
    return read.length > 0 && read.every((t) => FINAL.has(this.states[t]!.state));
  }

  /** The tasks whose outputs or end `ref` reads: the task it names, or each expansion of a written matrix. */
  read(ref: Extract<TemplateRef, { task: string }>): number[] {
    const d = this.workflow.taskIndex.get(ref.task);
    return d === undefined ? this.matrixExpansions().get(ref.task) ?? [] : [d];
  }

  /** The expansions of each written matrix, by the matrix task's id (made when a template first needs them). */
  private matrixExpansions(): Map<string, number[]> {
    this.expansionsByTask ??= expansionsByMatrixTask(this.workflow.tasks);
    return this.expansionsByTask;
  }
}
