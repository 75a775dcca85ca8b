import { describe, expect, it } from 'vitest';
import { namespaceExpression, namespaceTemplates } from './namespace.js';

describe('namespacing an included file\'s references', () => {
  it('rewrites task references inside templates only, output paths and expansions included', () => {
    expect(namespaceTemplates('echo tasks.a ${{ tasks.a.outputs.x }} ${{tasks.b[x.ts].outputs.y.0}} ${{ matrix.k }}', 'docs'))
      .toBe('echo tasks.a ${{ tasks.docs.a.outputs.x }} ${{tasks.docs.b[x.ts].outputs.y.0}} ${{ matrix.k }}');
  });

  it('rewrites the references of a condition, not quoted text or longer names', () => {
    expect(namespaceExpression("tasks.a.outputs.v == 'tasks.b' && !tasks.c.outputs.w || mytasks.x", 'ns'))
      .toBe("tasks.ns.a.outputs.v == 'tasks.b' && !tasks.ns.c.outputs.w || mytasks.x");
    expect(namespaceExpression('${{ (tasks.a.outputs.v) == "x\'" }}', 'ns')).toBe('${{ (tasks.ns.a.outputs.v) == "x\'" }}');
  });
});
