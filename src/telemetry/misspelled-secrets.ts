import { nearMiss } from '../util/suggest.js';
import { secretVariableMatcher } from '../util/secret-names.js';
import type { Workflow } from '../workflow/model.js';

/**
 * Names in `secrets:` that no environment of the run sets while a variable of
 * a near name (an edit or two away, or the same in another case) is set and
 * is not masked: `secrets: [DEPLOY_PASS]` beside `DEPLOY_PAS=...` would leave
 * that value in clear in the console, logs and events, with nothing said. A
 * secret that is simply not set (a fork's CI) is not a mistake: no message.
 */
export function misspelledSecrets(workflow: Pick<Workflow, 'secrets' | 'secretPatterns' | 'env' | 'agents' | 'tasks'>, env: Record<string, string | undefined>): string[] {
  const names = new Set<string>();
  for (const scope of [env, workflow.env, ...Object.values(workflow.agents).map((a) => a.env), ...workflow.tasks.map((t) => t.env)]) {
    for (const [name, value] of Object.entries(scope)) if (value !== undefined) names.add(name);
  }
  const masked = secretVariableMatcher(workflow.secrets, workflow.secretPatterns);
  const messages: string[] = [];
  for (const secret of new Set(workflow.secrets)) {
    if (names.has(secret)) continue;
    const near = nearMiss(secret, [...names].filter((name) => !masked(name)));
    if (near !== undefined) messages.push(`secrets: "${secret}" is not set, but "${near}" is, and its value is not masked: if it is the secret, name it under secrets:`);
  }
  return messages;
}
