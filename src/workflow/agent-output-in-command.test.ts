import { describe, expect, it } from 'vitest';
import { codes } from './test-helpers.js';

const agents = "agents:\n  ai: { command: 'cat' }\n";

describe('agent-output-in-command', () => {
  it('flags an output of one expansion of an agent matrix task, and of the whole of it', () => {
    const text = `version: 1\n${agents}tasks:
  review: { agent: ai, prompt: "\${{ matrix.f }}", matrix: { f: [a.ts, b.ts] }, captureStdout: verdict }
  one: { needs: "review[a.ts]", run: 'echo \${{ tasks.review[a.ts].outputs.verdict }}' }
  all: { needs: review, run: 'echo \${{ tasks.review.outputs.verdict }}' }
`;
    expect(codes(text)).toEqual(['agent-output-in-command@6:44', 'agent-output-in-command@7:36']);
  });

  it('flags one template a command, the first', () => {
    const text = `version: 1\n${agents}tasks:
  a: { agent: ai, prompt: x, captureStdout: x }
  b: { needs: a, run: 'echo \${{ tasks.a.outputs.x }} \${{ tasks.a.outputs.y }}' }
`;
    expect(codes(text)).toEqual(['agent-output-in-command@6:29']);
  });

  it('leaves matrix values written in the file, and matrices from a shell task\'s outputs, alone', () => {
    const text = `version: 1\n${agents}tasks:
  list: { run: ls, captureStdout: files }
  a: { needs: list, matrix: { f: "\${{ tasks.list.outputs.files }}" }, run: 'echo \${{ matrix.f }}' }
  b: { matrix: { f: [x, y] }, run: 'echo \${{ matrix.f }}' }
  c: { agent: ai, prompt: "\${{ matrix.f }}", matrix: { f: [x, y] } }
`;
    expect(codes(text)).toEqual([]);
  });
});
