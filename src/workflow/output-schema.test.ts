import { describe, expect, it } from 'vitest';
import { outputProblems, schemaProblem } from './output-schema.js';

const verdict = { answer: { type: 'object', required: ['verdict'], properties: { verdict: { enum: ['approve', 'reject'] } } } };

describe('output schemas', () => {
  it('pass an output that matches as JSON or as text', () => {
    expect(outputProblems(verdict, { answer: '{"verdict":"approve"}' })).toBeUndefined();
    expect(outputProblems({ n: { type: 'integer', minimum: 1 } }, { n: '3' })).toBeUndefined();
    // "42" is text that a string schema accepts, although it is also JSON.
    expect(outputProblems({ id: { type: 'string', pattern: '^[0-9]+$' } }, { id: '42' })).toBeUndefined();
  });

  it('say what is wrong: a missing output, a value that breaks the schema, text that is not JSON', () => {
    expect(outputProblems(verdict, {})).toBe('output "answer" was not set');
    expect(outputProblems(verdict, { answer: '{"verdict":"maybe"}' })).toBe('output "answer" does not match its schema: /verdict must be equal to one of the allowed values ("approve", "reject")');
    expect(outputProblems(verdict, { answer: 'Sure! Here is the JSON: {"verdict":' })).toBe('output "answer" does not match its schema (it is not JSON): the value must be object');
  });

  it('say so when the answer is JSON in a Markdown code fence, as models often print it', () => {
    const fenced = 'output "answer" does not match its schema (it is not JSON: it is JSON inside a Markdown code fence, ```json ... ```; have the agent print the JSON alone): the value must be object';
    expect(outputProblems(verdict, { answer: '```json\n{"verdict":"approve"}\n```' })).toBe(fenced);
    expect(outputProblems(verdict, { answer: '\n```\r\n{\n  "verdict": "approve"\n}\r\n```\n' })).toBe(fenced);
    // Not JSON inside, or more than the fence: plain "not JSON".
    for (const answer of ['```json\n{"verdict":\n```', 'Here:\n```json\n{"verdict":"approve"}\n```']) {
      expect(outputProblems(verdict, { answer }), answer).toBe('output "answer" does not match its schema (it is not JSON): the value must be object');
    }
  });

  it('say so when the answer is JSON Lines, as a streamed answer is, which a path reads but a schema checks whole', () => {
    const stream = '{"type":"system"}\n{"type":"result","result":"approve"}\n';
    expect(outputProblems(verdict, { answer: stream })).toBe('output "answer" does not match its schema (it is not JSON but JSON Lines, as an answer streamed is: a schema checks an output whole, as one value or text, while a path such as answer.result reads the last line that has it; leave the schema out, or have the agent answer as one JSON value): the value must be object');
  });

  it('tell a schema that cannot be used', () => {
    expect(schemaProblem({ type: 'objekt' })).toMatch(/type must be equal to one of the allowed values|schema is invalid/);
    expect(schemaProblem({ type: 'object' })).toBeUndefined();
  });
});
