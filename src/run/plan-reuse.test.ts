import { describe, expect, it } from 'vitest';
import { definitionHashes, expansionHash } from '../workflow/definition-hash.js';
import type { Workflow } from '../workflow/model.js';
import { load } from '../workflow/test-helpers.js';
import { planExpansionReuse, planReuse } from './plan-reuse.js';

const text = (review = 'echo ${{ matrix.f }}') => `version: 1
inputs: { mode: { default: fast } }
tasks:
  find: { run: "echo files=[1,2,3] >> $ORCHESTRATE_OUTPUT" }
  review: { needs: find, matrix: { f: "\${{ tasks.find.outputs.files }}" }, run: "${review}" }
  other: { run: "echo \${{ inputs.mode }}" }
`;

function loaded(yaml: string): Workflow {
  const r = load(yaml);
  if (!r.workflow) throw new Error(JSON.stringify(r.diagnostics));
  return r.workflow;
}

type Succeeded = Map<string, { hash: string; outputs: Record<string, string> }>;

/** What an earlier run of `workflow` recorded as succeeded: `ids`, with the hashes that run had. */
function succeededIn(workflow: Workflow, ids: string[]): Succeeded {
  const hashes = definitionHashes(workflow);
  return new Map(ids.map((id) => {
    const bracket = id.indexOf('[');
    const hash = bracket < 0 ? hashes.get(id)! : expansionHash(hashes.get(id.slice(0, bracket))!, id);
    return [id, { hash, outputs: { was: id } }];
  }));
}

describe('which expansions of a matrix from outputs a resume reuses', () => {
  const earlier = loaded(text());
  const crashed = succeededIn(earlier, ['find', 'review[1]', 'review[3]']);

  it('reuses those that succeeded, with their outputs, when the task itself did not succeed', () => {
    const now = loaded(text());
    const reused = planReuse(now, crashed);
    expect([...reused.keys()]).toEqual([now.taskIndex.get('find')]);
    expect(planExpansionReuse(now, crashed, reused)).toEqual(new Map([['review[1]', { was: 'review[1]' }], ['review[3]', { was: 'review[3]' }]]));
  });

  it('reuses none when the task changed, a need runs again, or the task itself is reused', () => {
    const changed = loaded(text('echo checked ${{ matrix.f }}'));
    expect(planExpansionReuse(changed, crashed, planReuse(changed, crashed)).size).toBe(0);
    // find runs again: its outputs, and so the lists, may differ.
    const now = loaded(text());
    const findAgain = succeededIn(earlier, ['review[1]', 'review[3]']);
    expect(planExpansionReuse(now, findAgain, planReuse(now, findAgain)).size).toBe(0);
    // The whole task succeeded: reused as one, its expansions do not join.
    const all = succeededIn(earlier, ['find', 'review', 'review[1]', 'review[2]', 'review[3]']);
    const reused = planReuse(now, all);
    expect(reused.has(now.taskIndex.get('review')!)).toBe(true);
    expect(planExpansionReuse(now, all, reused).size).toBe(0);
  });

  it('reuses none when an input the task uses had another value', () => {
    const yaml = text('echo ${{ inputs.mode }} ${{ matrix.f }}');
    const now = loaded(yaml);
    const before = succeededIn(loaded(yaml), ['find', 'review[2]']);
    expect(planExpansionReuse(now, before, planReuse(now, before, { mode: 'fast' }), { mode: 'fast' }).size).toBe(1);
    expect(planExpansionReuse(now, before, planReuse(now, before, { mode: 'slow' }), { mode: 'slow' }).size).toBe(0);
  });
});

describe('what a resume reuses after cleanup ran', () => {
  const yaml = `version: 1
tasks:
  build: { run: "true" }
  deploy: { run: "true", needs: build }
  list: { run: "echo files=[1,2] >> $ORCHESTRATE_OUTPUT" }
  e2e: { run: "true", needs: deploy }
  teardown: { run: "true", needs: [deploy, e2e], if: always, runOnInterrupt: true }
  sweep: { run: "echo \${{ matrix.f }}", needs: list, if: always, runOnInterrupt: true, matrix: { f: "\${{ tasks.list.outputs.files }}" } }
  report: { run: "true", needs: [build, list], if: always }
`;
  const workflow = loaded(yaml);
  const before = succeededIn(workflow, ['build', 'deploy', 'list', 'report']);
  const reusedIds = (ran: string[]) => [...planReuse(workflow, before, {}, new Set(ran)).keys()].map((i) => workflow.tasks[i]!.id).sort();

  it('runs again the direct needs of cleanup that ran, and what needs them; not those of a plain if: always task', () => {
    expect(reusedIds(['build', 'deploy', 'list', 'report'])).toEqual(['build', 'deploy', 'list', 'report']);
    // teardown ran: deploy (its need) runs again, build (deploy's) is kept; report ran and undoes nothing.
    expect(reusedIds(['build', 'deploy', 'list', 'report', 'e2e', 'teardown'])).toEqual(['build', 'list', 'report']);
  });

  it('counts a matrix from outputs as run when one of its expansions ran', () => {
    expect(reusedIds(['build', 'deploy', 'list', 'report', 'sweep[1]'])).toEqual(['build', 'deploy']);
  });
});
