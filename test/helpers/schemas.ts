import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { ROOT } from './cli.js';

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });

/** A compiled validator of one of the project's published schemas. */
export function validator(name: 'events' | 'result' | 'plan'): ValidateFunction {
  return ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', `${name}.schema.json`), 'utf8')));
}
