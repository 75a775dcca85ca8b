import { didYouMean } from '../util/suggest.js';

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The member names an object schema knows: its `properties` and `required`. */
function knownMembers(schema: Schema): string[] {
  const properties = isSchema(schema.properties) ? Object.keys(schema.properties) : [];
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
  return [...new Set([...properties, ...required])];
}

/** The schema of what `segment` names inside `node`'s value: an item of a list, a property of an object. */
function childSchema(node: Schema, segment: string): unknown {
  if (/^\d+$/.test(segment) && node.items !== undefined) return Array.isArray(node.items) ? node.items[Number(segment)] : node.items;
  return isSchema(node.properties) ? node.properties[segment] : undefined;
}

/**
 * The values an output (or its member at `path`) can have after a success,
 * by its JSON Schema: an `enum` or `const` of plain values (as text, as a
 * template gives them: `null` reads empty), or a boolean's two; undefined
 * when the schema does not say.
 */
export function schemaValues(schema: unknown, path: readonly string[] = []): string[] | undefined {
  let node = schema;
  for (const segment of path) node = isSchema(node) ? childSchema(node, segment) : undefined;
  if (!isSchema(node)) return undefined;
  const plain = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  const shown = (v: unknown) => (v === null ? '' : String(v));
  if (Object.hasOwn(node, 'const') && plain(node.const)) return [shown(node.const)];
  if (Array.isArray(node.enum) && node.enum.length && node.enum.every(plain)) return node.enum.map(shown);
  return node.type === 'boolean' ? ['true', 'false'] : undefined;
}

/**
 * Why a path into an output (`answer.verdcit`) reads nothing by the output's
 * JSON Schema (`outputSchema`), or undefined when it may read something: a
 * member the schema's object does not know, when it allows no other
 * (`additionalProperties: false`) or knows one of a near spelling — a typo,
 * which would read empty at run time without a word. A schema that says
 * nothing of a member (no `properties`, other members allowed) is no reason.
 */
export function unknownMember(schema: unknown, path: readonly string[]): { member: string; known: string[]; meant?: string } | undefined {
  let node = schema;
  for (const segment of path) {
    if (!isSchema(node)) return undefined;
    const known = /^\d+$/.test(segment) && node.items !== undefined ? [] : knownMembers(node);
    if (known.length && !known.includes(segment)) {
      const meant = didYouMean(segment, known);
      return node.additionalProperties === false || meant !== undefined ? { member: segment, known, ...(meant !== undefined ? { meant } : {}) } : undefined;
    }
    node = childSchema(node, segment);
  }
  return undefined;
}
