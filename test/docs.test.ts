import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, WARNING_CODES } from '../src/workflow/diagnostic-codes.js';
import { buildProgram } from '../src/cli/program.js';
import { EXIT } from '../src/errors.js';
import { schemas } from '../src/workflow/schema.js';
import { ROOT } from './helpers/cli.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

function propertyNames(schema: Record<string, any>, out = new Set<string>()): Set<string> {
  for (const [name, prop] of Object.entries<any>(schema.properties ?? {})) {
    if (name !== '$schema') out.add(name);
    propertyNames(prop, out);
  }
  for (const def of Object.values<any>(schema.definitions ?? {})) propertyNames(def, out);
  return out;
}

describe('the README', () => {
  it('documents every lint code, with its severity', () => {
    const warnings = new Set<string>(WARNING_CODES);
    for (const code of Object.keys(DIAGNOSTIC_CODES)) {
      expect(readme, code).toMatch(new RegExp(`^\\| \`${code}\` \\| ${warnings.has(code) ? 'warning' : 'error'} \\|`, 'm'));
    }
  });
  it('documents every command and every flag of the CLI', () => {
    const program = buildProgram(() => undefined);
    for (const command of program.commands) {
      expect(readme, command.name()).toContain(`orchestrate ${command.name()}`);
      // As the README writes flags: `--json`, `-n, --concurrency <n>`, `--state PATH`.
      for (const option of command.options) expect(readme, `${command.name()} ${option.long}`).toMatch(new RegExp(`\`(-\\w, )?${option.long}[\` <]`));
    }
  });
  it('lists in the flag table of each command\'s own section exactly that command\'s flags', () => {
    const program = buildProgram(() => undefined);
    let checked = 0;
    for (const command of program.commands) {
      const heading = readme.indexOf(`### \`orchestrate ${command.name()} `);
      if (heading === -1) continue;
      const section = readme.slice(heading, readme.indexOf('\n### ', heading + 1));
      // The first table of the section: its rows until the first line that is not one.
      const table = section.slice(section.indexOf('\n|')).split('\n').slice(1).filter((line, i, lines) => lines.slice(0, i + 1).every((l) => l.startsWith('|')));
      const documented = table.map((row) => /^\| `(?:-\w, )?(--[\w-]+)/.exec(row)?.[1]).filter((flag): flag is string => flag !== undefined);
      if (documented.length) {
        expect(documented.sort(), command.name()).toEqual(command.options.map((o) => o.long!).sort());
        checked++;
      } else {
        // Flags told in the section's text instead.
        for (const option of command.options) expect(section, `${command.name()} ${option.long}`).toMatch(new RegExp(`\`(-\\w, )?${option.long}[\` <]`));
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
  it('lets the config file disable exactly the warning codes', () => {
    expect(schemas().config.properties.lint.properties.disable.items.enum).toEqual([...WARNING_CODES]);
  });
  it('documents every exit code', () => {
    for (const code of Object.values(EXIT)) expect(readme, String(code)).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });
  it('documents every key of the workflow and config formats', () => {
    for (const name of propertyNames(schemas().workflow)) expect(readme, name).toContain(`\`${name}\``);
    for (const name of propertyNames(schemas().config)) expect(readme, name).toContain(name);
  });
});
