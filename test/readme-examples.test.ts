import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, parseDocument } from 'yaml';
import { schemas } from '../src/workflow/schema.js';
import { cli, ROOT, tempProject } from './helpers/cli.js';

/**
 * The README's YAML examples against the schema: most are fragments (a task,
 * an agent, a matrix), so each is completed into a workflow as little as it
 * needs and linted by the CLI. What a fragment leaves out (the agent it names,
 * the file it includes) may be missing; anything else lint says is wrong with
 * it — keys, types, durations, templates, conditions, warnings — may not be.
 * The TypeScript example is compiled against the package's exported types.
 */

/** What a fragment may refer to without showing it: an agent, a task, an input, a resource, a directory, the files it reads or runs. */
const REFERENCE_CODES = new Set(['unknown-agent', 'unknown-need', 'unknown-reference', 'unknown-resource', 'missing-cwd', 'missing-program', 'missing-sources']);

/** Whether a diagnostic is about something the fragment leaves out (a file it includes or reads counts) rather than its own shape. */
function leftOut(d: { code: string; message: string }): boolean {
  return REFERENCE_CODES.has(d.code) || /no such file/.test(d.message);
}

interface Example {
  /** Where it starts in the README (its line). */
  line: number;
  text: string;
}

function yamlExamples(readme: string): Example[] {
  const examples: Example[] = [];
  for (const match of readme.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)) {
    examples.push({ line: readme.slice(0, match.index).split('\n').length, text: match[1]! });
  }
  return examples;
}

const topLevel = new Set(Object.keys(schemas().workflow.properties));
const taskKeys = new Set(Object.keys(schemas().workflow.definitions.task.properties));

/** The top-level keys of a YAML text, in order (repeats kept). */
function keysOf(text: string): string[] {
  const doc = parseDocument(text, { uniqueKeys: false });
  return isMap(doc.contents) ? doc.contents.items.map((pair) => String((pair.key as { value?: unknown })?.value ?? pair.key)) : [];
}

/**
 * A fragment as a workflow: top-level keys get `version` (and a task, if it
 * has none); task keys become a task of their own; anything else is tasks.
 */
function asWorkflow(fragment: string): string {
  const text = fragment.endsWith('\n') ? fragment : `${fragment}\n`;
  const keys = keysOf(text);
  if (keys.every((key) => topLevel.has(key))) {
    return `${keys.includes('version') ? '' : 'version: 1\n'}${text}${keys.includes('tasks') ? '' : 'tasks:\n  example: { run: "true" }\n'}`;
  }
  const indented = text.replace(/^(?=.)/gm, '    ');
  if (keys.every((key) => taskKeys.has(key))) return `version: 1\ntasks:\n  example:\n    run: "true"\n${indented}`;
  return `version: 1\ntasks:\n${text.replace(/^(?=.)/gm, '  ')}`;
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const examples = yamlExamples(readme);

describe("the README's YAML examples", () => {
  it('are found', () => {
    expect(examples.length).toBeGreaterThan(10);
  });

  it('have the shape the schema and lint ask for', () => {
    const files: Record<string, string> = {};
    const named = new Map<string, Example>();
    for (const example of examples) {
      const keys = keysOf(example.text);
      // Another tool's file (a GitHub Actions or GitLab CI workflow) or the config file: checked below.
      if (keys.includes('jobs') || /^# (orchestrate\.config\.yaml|\.gitlab-ci\.yml)/.test(example.text)) continue;
      // Only a comment (the schema line shown on its own): nothing to check.
      if (!keys.length) continue;
      // The same key more than once: alternatives, one a line (`exclusive: true`, `exclusive: NAME`...).
      const alternatives = new Set(keys).size < keys.length ? example.text.split('\n').filter((line) => /^\w/.test(line)) : [example.text];
      alternatives.forEach((text, k) => {
        const name = `readme-${example.line}-${k}.yaml`;
        files[name] = asWorkflow(text);
        named.set(name, example);
      });
    }
    const dir = tempProject(files);
    const result = cli(['lint', '.', '--format', 'json'], { cwd: dir });
    const reports = JSON.parse(result.stdout) as { file: string; diagnostics: { code: string; message: string; line: number }[] }[];
    expect(reports.map((r) => basename(r.file)).sort()).toEqual(Object.keys(files).sort());
    const wrong = reports.flatMap((report) => report.diagnostics.filter((d) => !leftOut(d))
      .map((d) => `README line ${named.get(basename(report.file))!.line}: [${d.code}] ${d.message}\n${files[basename(report.file)]}`));
    expect(wrong).toEqual([]);
  });

  it('include a config file the CLI accepts', () => {
    const config = examples.find((example) => /^# orchestrate\.config\.yaml/.test(example.text));
    expect(config).toBeDefined();
    const dir = tempProject({ 'orchestrate.config.yaml': config!.text, 'w.yaml': 'version: 1\ntasks:\n  a: { agent: reviewer, prompt: hi }\n' });
    const result = cli(['lint', 'w.yaml'], { cwd: dir });
    expect(result.stderr + result.stdout).not.toMatch(/config-error/);
    expect(result.code).toBe(0);
  });

  it('call the CLI, in the GitHub Actions and GitLab CI workflows, with flags its commands have and values they take', () => {
    const actions = examples.find((example) => keysOf(example.text).includes('jobs'));
    const gitlab = examples.find((example) => /^# \.gitlab-ci\.yml/.test(example.text));
    expect(actions).toBeDefined();
    expect(gitlab).toBeDefined();
    for (const ci of [actions!, gitlab!]) {
      const calls = [...ci.text.matchAll(/npx orchestrate (\w+)(.*)$/gm)];
      expect(calls.length).toBeGreaterThan(2);
      for (const [, command, rest] of calls) {
        const help = cli([command!, '--help']);
        expect(help.code, command).toBe(0);
        for (const flag of rest!.match(/(?<=\s)--?[a-z][\w-]*/g) ?? []) expect(help.stdout, `${command} ${flag}`).toMatch(new RegExp(`(^|[\\s,])${flag}[\\s,]`, 'm'));
        // A format named is one of the command's choices.
        const format = /--format (\w+)/.exec(rest!)?.[1];
        if (format) expect(help.stdout, `${command} --format ${format}`).toMatch(new RegExp(`"${format}"`));
      }
    }
  });
});

describe("the README's TypeScript example", () => {
  it('compiles against the types the package exports, also with its declarations checked and no `types` listed (TypeScript 6\'s default)', () => {
    const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => match[1]!);
    expect(blocks).toHaveLength(1);
    // Its model call is the reader's own.
    const source = `declare function callModel(prompt: string, options: { signal: AbortSignal }): Promise<string>;\n${blocks[0]}`;
    const base = { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022' };
    for (const compilerOptions of [
      { ...base, skipLibCheck: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] },
      // The package's declarations name Node's types themselves (a reference to @types/node).
      { ...base, skipLibCheck: false },
    ]) {
      const tsconfig = { compilerOptions, files: ['example.ts'] };
      const dir = tempProject({ 'example.ts': source, 'package.json': '{ "type": "module" }', 'tsconfig.json': JSON.stringify(tsconfig) });
      // `import ... from 'orchestrate'` as in a project that installed it: this checkout, built.
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(ROOT, join(dir, 'node_modules/orchestrate'));
      const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
    }
  });
});

describe('the package as a project installs it', () => {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  // Node's require of ES modules came in 20.19 (and 22.12); the README says so.
  it.runIf(major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19))('is required from CommonJS and imported from an ES module, and runs', () => {
    const script = (load: string) => `${load}\nexecuteParallel([{ id: 'a', run: 'echo hi' }], { maxConcurrency: 1, cwd: __dir }).then((r) => console.log(r.status, r.tasks[0].outputs));\n`;
    const dir = tempProject({
      'package.json': '{}',
      'required.cjs': script("const { executeParallel } = require('orchestrate');\nconst __dir = __dirname;"),
      'imported.mjs': script("import { executeParallel } from 'orchestrate';\nconst __dir = import.meta.dirname;"),
    });
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules/orchestrate'));
    for (const file of ['required.cjs', 'imported.mjs']) {
      const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
      // Some Node versions warn that requiring an ES module is experimental; nothing fails.
      expect([file, r.status, r.stdout], r.stderr).toEqual([file, 0, 'succeeded {}\n']);
    }
  });
});
