import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { schemas } from './schema.js';

type Schema = Record<string, any>;

/** Every property schema in a JSON schema, with its path. */
function properties(schema: Schema, path = '#'): Array<[string, Schema]> {
  const out: Array<[string, Schema]> = [];
  for (const [name, prop] of Object.entries<Schema>(schema.properties ?? {})) {
    out.push([`${path}/${name}`, prop]);
    out.push(...properties(prop, `${path}/${name}`));
  }
  for (const [name, def] of Object.entries<Schema>(schema.definitions ?? {})) out.push(...properties(def, `${path}/definitions/${name}`));
  return out;
}

function resolveRef(root: Schema, prop: Schema): Schema {
  if (typeof prop.$ref === 'string' && /^(workflow\.schema\.json)?#\/definitions\//.test(prop.$ref)) return { ...root.definitions[prop.$ref.split('/').pop()!], ...prop };
  return prop;
}

describe('the schemas', () => {
  it('document every property with a description, and a default or examples where a value is chosen', () => {
    for (const [name, root] of Object.entries(schemas())) {
      for (const [path, raw] of properties(root)) {
        const prop = resolveRef(schemas().workflow, raw);
        expect.soft(prop.description, `${name} ${path} has no description`).toBeTruthy();
        const isText = prop.type === 'string' && !prop.enum && !prop.pattern && (path.endsWith('/description') || path.endsWith('/$schema'));
        const isRefToObject = raw.$ref && !raw.description;
        if (!isText && !isRefToObject) {
          expect.soft('default' in prop || 'examples' in prop || 'enum' in prop || 'const' in prop, `${name} ${path} has neither default nor examples`).toBe(true);
        }
      }
    }
  });

  it('generated TypeScript types match the schema (run npm run build after changing it)', () => {
    expect(() => execFileSync(process.execPath, ['scripts/gen-types.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
