import { describe, expect, it } from 'vitest';
import { parseInputArguments, resolveInputs } from './inputs.js';
import { loadWorkflowText } from './load.js';
import { definitionHash } from './definition-hash.js';
import type { Input } from './schema-types.js';

const declared: Record<string, Input> = {
  version: { description: 'the release' },
  target: { enum: ['staging', 'production'], default: 'staging' },
  replicas: { type: 'number', default: 2 },
  port: { type: 'number', enum: [80, 443] },
  dry: { type: 'boolean', default: false },
};

describe('--input arguments', () => {
  it('split at the first =, keep empty values, and the last of a name wins', () => {
    expect(parseInputArguments(['a=b=c', 'empty=', 'x=1', 'x=2'])).toEqual({ a: 'b=c', empty: '', x: '2' });
    expect(parseInputArguments(undefined)).toEqual({});
  });

  it('treat __proto__ and constructor as names like any other', () => {
    const given = parseInputArguments(['__proto__=x', 'constructor=y']);
    expect(Object.keys(given)).toEqual(['__proto__', 'constructor']);
    expect(resolveInputs({ a: {} }, given, false).problems).toEqual(['unknown input "__proto__" (inputs: a)', 'unknown input "constructor" (inputs: a)']);
    const declared = JSON.parse('{"__proto__": {"default": "a"}, "constructor": {}}') as Record<string, Input>;
    expect({ ...resolveInputs(declared, parseInputArguments(['constructor=c']), true).values }).toEqual(JSON.parse('{"__proto__": "a", "constructor": "c"}'));
  });

  it('refuse a value without NAME=', () => {
    expect(() => parseInputArguments(['version'])).toThrow('--input must be NAME=VALUE, got "version"');
    expect(() => parseInputArguments(['=1'])).toThrow('--input must be NAME=VALUE, got "=1"');
  });
});

describe('input values', () => {
  it('take the given value, else the default, as text', () => {
    const r = resolveInputs(declared, { version: '1.4', port: '443' }, true);
    expect(r).toEqual({ values: { version: '1.4', target: 'staging', replicas: '2', port: '443', dry: 'false' }, problems: [] });
  });

  it('name every missing input with its description only when values are required', () => {
    expect(resolveInputs(declared, {}, true).problems).toEqual(['missing inputs "version" (the release), "port": give each with --input NAME=VALUE']);
    const lenient = resolveInputs(declared, {}, false);
    expect(lenient.problems).toEqual([]);
    expect(lenient.values).toEqual({ target: 'staging', replicas: '2', dry: 'false' });
  });

  it('check the type and the enum of given values, numbers compared as numbers', () => {
    const r = resolveInputs(declared, { version: 'v', replicas: 'two', dry: 'yes', target: 'prod', port: '443.0' }, true);
    expect(r.problems).toEqual([
      'input "target" must be one of "staging", "production", got "prod"',
      'input "replicas" must be a number, got "two"',
      'input "dry" must be true or false, got "yes"',
    ]);
    expect(r.values.port).toBe('443.0');
    expect(resolveInputs(declared, { version: 'v', port: '8080' }, true).problems).toEqual(['input "port" must be one of 80, 443, got "8080"']);
    expect(resolveInputs(declared, { version: 'v', port: '80', replicas: 'Infinity' }, true).problems).toEqual(['input "replicas" must be a number, got "Infinity"']);
  });

  it('show the value of an input whose name looks secret masked when it does not fit', () => {
    const looksSecret = (name: string) => name === 'api_key';
    const r = resolveInputs({ api_key: { type: 'number' }, mode: { enum: ['x'] } }, { api_key: 's3cr3t', mode: 'y' }, true, {}, looksSecret);
    expect(r.problems).toEqual(['input "api_key" must be a number, got "***"', 'input "mode" must be one of "x", got "y"']);
  });

  it('refuse an undeclared name, with a suggestion or the declared names', () => {
    expect(resolveInputs(declared, { verison: '1' }, false).problems).toEqual(['unknown input "verison" (did you mean "version"?)']);
    expect(resolveInputs({ a: {} }, { zzz: '1' }, false).problems).toEqual(['unknown input "zzz" (inputs: a)']);
    expect(resolveInputs({}, { toString: '1' }, false).problems).toEqual(['unknown input "toString": the workflow declares no inputs']);
  });

  it('on resume, fill inputs not given from the earlier run, ignoring names no longer declared', () => {
    const r = resolveInputs(declared, { port: '80' }, true, { version: '1.3', port: '443', gone: 'x', target: 'production' });
    expect(r).toEqual({ values: { version: '1.3', target: 'production', replicas: '2', port: '80', dry: 'false' }, problems: [] });
    // A recorded value that no longer fits (the enum changed) is said, not used.
    expect(resolveInputs(declared, { port: '80' }, true, { version: '1', target: 'qa' }).problems).toEqual(['input "target" must be one of "staging", "production", got "qa"']);
  });
});

describe('inputs in a workflow', () => {
  const text = `version: 1
inputs:
  version: {}
  dir: { default: sub }
agents:
  writer: { command: "./write --tag \${{ inputs.version }}", env: { V: "\${{ inputs.version }}" } }
tasks:
  release: { agent: writer, prompt: "notes for \${{ inputs.version }}" }
  build: { run: "make \${{ inputs.version }}", env: { V: "\${{ inputs.version }}" }, cwd: "\${{ inputs.dir }}", artifacts: ["out-\${{ inputs.version }}.tgz"] }
  plain: { run: "echo plain" }
`;

  it('render at load time into run, prompt, env, cwd, artifacts and agent commands; a missing one stays a template', () => {
    const loaded = loadWorkflowText(text, '/p/w.yaml', { inputs: { version: '2.0', dir: '/abs' } });
    const [release, build] = loaded.workflow!.tasks;
    expect(build).toMatchObject({ command: 'make 2.0', cwd: '/abs', artifacts: ['out-2.0.tgz'], inputsUsed: ['dir', 'version'] });
    expect(build!.env.V).toBe('2.0');
    expect(release).toMatchObject({ command: './write --tag 2.0', prompt: 'notes for 2.0', env: { V: '2.0' }, inputsUsed: ['version'] });
    expect(loaded.workflow!.inputs).toEqual({ version: '2.0', dir: '/abs' });
    const lint = loadWorkflowText(text, '/p/w.yaml');
    expect(lint.workflow!.tasks[1]!.command).toBe('make ${{ inputs.version }}');
    expect(lint.workflow!.tasks[1]!.cwd).toBe('/p/sub');
    expect(lint.inputProblems).toEqual([]);
    expect(loadWorkflowText(text, '/p/w.yaml', { requireInputs: true }).inputProblems).toEqual(['missing input "version": give it with --input NAME=VALUE']);
  });

  it('keep input values out of the definition hash; a task without inputs hashes as before', () => {
    const one = loadWorkflowText(text, '/p/w.yaml', { inputs: { version: '1' } }).workflow!;
    const two = loadWorkflowText(text, '/p/w.yaml', { inputs: { version: '2', dir: 'other' } }).workflow!;
    expect(definitionHash(one, one.tasks[1]!)).toBe(definitionHash(two, two.tasks[1]!));
    expect(definitionHash(one, one.tasks[0]!)).toBe(definitionHash(two, two.tasks[0]!));
    expect(two.tasks[2]!.inputsUsed).toBeUndefined();
    const without = loadWorkflowText(text.replace(/inputs:\n {2}version: \{\}\n {2}dir: \{ default: sub \}\n/, '').replace(/\$\{\{ inputs\.\w+ \}\}/g, 'x'), '/p/w.yaml').workflow!;
    expect(definitionHash(without, without.tasks[2]!)).toBe(definitionHash(two, two.tasks[2]!));
    // The template itself is part of the definition: using another input is another task.
    const changed = loadWorkflowText(text.replace('make ${{ inputs.version }}', 'make ${{ inputs.dir }}'), '/p/w.yaml', { inputs: { version: '1' } }).workflow!;
    expect(definitionHash(changed, changed.tasks[1]!)).not.toBe(definitionHash(one, one.tasks[1]!));
  });
});
