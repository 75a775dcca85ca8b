import { secretNameMatcher, secretVariableMatcher } from '../util/secret-names.js';
import { warning, type Diagnostic, type DocPath } from './diagnostics.js';
import type { Workflow } from './model.js';
import type { WorkflowFile } from './schema-types.js';
import { parseTemplate, type KeyedRef, type TemplateRef } from './templates.js';

/**
 * Secrets a template puts into a command line — `run: curl -H "Bearer
 * ${{ env.API_TOKEN }}"`, or an agent's `command`: a process's command line
 * is readable by every user of the machine (`ps`, /proc), its environment is
 * not, so the value is better read from the environment by the command
 * itself, as GitHub's hardening guide says of secrets in `run`. A template
 * of a variable named in `secrets:` or looking secret, or of an input
 * looking secret, is one (what `secretPatterns` says looks secret).
 */
export function secretsInCommands(raw: WorkflowFile, workflow: Pick<Workflow, 'secrets' | 'secretPatterns'>): Diagnostic[] {
  const looksSecret = secretNameMatcher(workflow.secretPatterns);
  const secretVariable = secretVariableMatcher(workflow.secrets, workflow.secretPatterns);
  const secret = (ref: TemplateRef): ref is KeyedRef => (ref.kind === 'env' && secretVariable(ref.key)) || (ref.kind === 'inputs' && looksSecret(ref.key));
  const commands: Array<{ owner: string; text: unknown; at: DocPath }> = [
    ...Object.entries(raw.tasks ?? {}).map(([id, task]) => ({ owner: `task "${id}"`, text: task.run, at: ['tasks', id, 'run'] })),
    ...Object.entries(raw.agents ?? {}).map(([name, agent]) => ({ owner: `agent "${name}"`, text: agent.command, at: ['agents', name, 'command'] })),
  ];
  const diagnostics: Diagnostic[] = [];
  for (const { owner, text, at } of commands) {
    if (typeof text !== 'string' || !text.includes('${{')) continue;
    const refs = parseTemplate(text).refs.filter(secret);
    const named = [...new Set(refs.map((ref) => ref.text))];
    if (!named.length) continue;
    const ref = refs[0]!;
    const variable = ref.key.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    const instead = ref.kind === 'env'
      ? `use the variable itself ("$${ref.key}"), which the task has in its environment`
      : `give it to the task in its environment (env: { ${variable}: "${ref.text}" }) and use "$${variable}"`;
    diagnostics.push(warning('secret-in-command', `${owner} puts the secret${named.length > 1 ? 's' : ''} ${named.join(', ')} into its command line, which every user of this machine can read (ps): ${instead}`, at));
  }
  return diagnostics;
}
