import { describe, expect, it } from 'vitest';
import type { Workflow } from '../workflow/model.js';
import { load } from '../workflow/test-helpers.js';
import { expansionSelection, selectTasks } from './select-tasks.js';

const workflow = load(`version: 1
tasks:
  build: { matrix: { os: [linux, mac] }, run: "true" }
  find: { run: "true" }
  review: { needs: find, matrix: { f: "\${{ tasks.find.outputs.files }}" }, run: "true" }
  report: { needs: review, run: "true" }
`).workflow as Workflow;

const ids = (selected: Set<number>) => [...selected].map((i) => workflow.tasks[i]!.id).sort();
const message = (names: string[]) => {
  try {
    selectTasks(workflow, names, '--only');
    return 'no error';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('selecting tasks by name', () => {
  it('takes an expansion of a matrix from outputs as its task, with what it needs', () => {
    expect(ids(selectTasks(workflow, ['review[a.ts]']))).toEqual(['find', 'review']);
    expect(ids(selectTasks(workflow, ['rev*[*.ts]']))).toEqual(['find', 'review']);
  });

  it('lets those expansions join that a name selects, or all when the task is selected as a whole', () => {
    const named = expansionSelection(workflow, ['review[a.ts]', 'build[linux]']);
    const review = workflow.taskIndex.get('review')!;
    expect([named(review, 'review[a.ts]'), named(review, 'review[b.ts]')]).toEqual([true, false]);
    const pattern = expansionSelection(workflow, ['review[*.ts]']);
    expect([pattern(review, 'review[a.ts]'), pattern(review, 'review[a.md]')]).toEqual([true, false]);
    // report needs all of review; review by its id is all of it too.
    for (const whole of [['review[a.ts]', 'report'], ['review'], ['rev*']]) expect(expansionSelection(workflow, whole)(review, 'review[b.ts]'), whole.join()).toBe(true);
  });

  it('names what an unknown name misspells, expansions included', () => {
    expect(message(['bild'])).toBe('--only: no task "bild" in workflow (did you mean "build"?)');
    expect(message(['build[linx]'])).toBe('--only: no task "build[linx]" in workflow (did you mean "build[linux]"?)');
    expect(message(['build[windows]'])).toBe('--only: no task "build[windows]" in workflow ("build" expands to build[linux], build[mac])');
    expect(message(['reveiw[a.ts]'])).toBe('--only: no task "reveiw[a.ts]" in workflow (did you mean "review[a.ts]"?)');
    expect(message(['zzz[a]'])).toBe('--only: no task "zzz[a]" in workflow');
    expect(message(['build[w*]'])).toBe('--only: no task id matches "build[w*]" in workflow');
  });
});
