import jsYaml from 'js-yaml';
import { error, type Diagnostic } from './diagnostics.js';

/** Files above this size are refused before parsing. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

// js-yaml with the YAML 1.2 core schema plus merge keys (`<<: *defaults`): no
// timestamps or binary, so values mean what the JSON schema expects.
// The `types` export exists at run time but is missing from @types/js-yaml.
const mergeType = (jsYaml as unknown as { types: { merge: jsYaml.Type } }).types.merge;
const SCHEMA = jsYaml.CORE_SCHEMA.extend({ implicit: [mergeType] });

export interface ParsedYaml {
  value: unknown;
  diagnostics: Diagnostic[];
}

/**
 * Parses YAML text fast (js-yaml: linear time, duplicate keys rejected) and
 * rejects binary input and alias bombs. Positions of later diagnostics are
 * resolved lazily by the source map, only when there is something to report.
 */
export function parseYaml(text: string): ParsedYaml {
  const binary = findBinary(text);
  if (binary !== undefined) {
    return fail('binary-file', 'this is not a text file: it contains binary data', text, binary);
  }
  const notUtf8 = text.indexOf('\ufffd');
  if (notUtf8 !== -1) {
    return fail('not-utf8', 'this is not UTF-8 text: a byte here is not UTF-8 (was the file saved as Latin-1 or Windows-1252? save it as UTF-8), or it holds U+FFFD, the mark a conversion leaves where it lost a character', text, notUtf8);
  }
  let value: unknown;
  try {
    value = jsYaml.load(text, { schema: SCHEMA, json: false });
  } catch (caught) {
    return failFromYamlException(caught, text);
  }
  if (value === undefined || value === null) {
    return { value, diagnostics: [{ ...error('empty-file', 'the file is empty: a workflow needs at least `version` and `tasks`'), position: { line: 1, column: 1 } }] };
  }
  if (exceedsNodeBudget(value, 4 * text.length + 100_000)) {
    const at = text.search(/\*[^\s,\]}]+/);
    return fail('alias-bomb', 'too many aliases: the document expands to far more values than it has text (an "alias bomb"); refusing to load it', text, at < 0 ? 0 : at);
  }
  return { value, diagnostics: [] };
}

function failFromYamlException(caught: unknown, text: string): ParsedYaml {
  const yamlError = caught as { reason?: string; mark?: { position: number } };
  if (!yamlError || typeof yamlError.reason !== 'string') throw caught;
  if (/single document/.test(yamlError.reason)) {
    // js-yaml gives no position: point at the `---` that starts the second document. The first
    // marker starts the first document unless content (not blank, a comment or a directive) precedes it.
    const markers = [...text.matchAll(/^---(?=\s|$)/gm)].map((m) => m.index!);
    const content = text.search(/^(?![ \t]*(#|%|---(\s|$)|$))/m);
    const second = markers[0] !== undefined && (content === -1 || markers[0] < content) ? markers[1] : markers[0];
    return fail('yaml-syntax', 'the file holds more than one YAML document (a second `---`); a workflow is one document', text, second ?? 0);
  }
  const offset = yamlError.mark?.position ?? 0;
  if (yamlError.reason === 'duplicated mapping key') {
    const key = /^[^:\n]*/.exec(text.slice(offset))?.[0]?.trim().replace(/^["']|["']$/g, '') ?? '';
    return fail('duplicate-key', `duplicate key "${key}": a key may appear only once in a mapping`, text, offset);
  }
  const tag = /^unknown tag !<(.+)>$/.exec(yamlError.reason)?.[1];
  if (tag !== undefined) {
    // As written: `!!timestamp` for YAML's own, `!Ref` for another tool's; at the tag, not after its value.
    const written = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
    const at = text.lastIndexOf(written, offset);
    return fail('yaml-syntax', `unknown tag ${written}: workflow files are plain YAML values (of the tags, only !!str, !!int, !!float, !!bool, !!null, !!seq and !!map); another tool's tags, such as CloudFormation's !Ref, mean nothing here`, text, at === -1 ? offset : at);
  }
  if (/tab characters must not be used/.test(yamlError.reason)) {
    return fail('yaml-syntax', 'tab character used for indentation: YAML indents with spaces only', text, offset);
  }
  return fail('yaml-syntax', `YAML syntax error: ${yamlError.reason}`, text, offset);
}

function fail(code: Diagnostic['code'], message: string, text: string, offset: number): ParsedYaml {
  return { value: undefined, diagnostics: [{ ...error(code, message), position: positionAt(text, offset) }] };
}

/** The 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: Math.max(0, offset - lineStart) + 1 };
}

/** Control characters no text file has, and U+FFFD, what invalid UTF-8 decodes to. */
const NOT_TEXT = /[\ufffd\x01-\x08\x0b\x0c\x0e-\x1f]/g;

function findBinary(text: string): number | undefined {
  const nul = text.indexOf('\0');
  if (nul !== -1) return nul;
  // A few may be legitimate text; many are binary. A regular expression, not a loop over the
  // characters: at start the loop runs uncompiled (~2 ms for a 300-task file).
  const sample = text.length > 65536 ? text.slice(0, 65536) : text;
  const bad = sample.match(NOT_TEXT)?.length ?? 0;
  return bad > 8 && bad > sample.length / 100 ? text.search(NOT_TEXT) : undefined;
}

/**
 * Counts the values reachable from `root`, counting shared (aliased) values
 * each time they are reached, and stops once the count passes `budget`.
 * An alias-free document cannot have more values than characters.
 */
function exceedsNodeBudget(root: unknown, budget: number): boolean {
  const stack: unknown[] = [root];
  let count = 0;
  while (stack.length) {
    const value = stack.pop();
    if (++count > budget) return true;
    if (value !== null && typeof value === 'object') {
      const children = Array.isArray(value) ? value : Object.values(value);
      for (const child of children) {
        if (child !== null && typeof child === 'object') stack.push(child);
        else count++;
      }
    }
  }
  return false;
}
