import type { LimitWait } from '../plan/waits.js';

const MAX_LABEL = 40;

/**
 * How plans and summaries name a limit: `concurrency 4`, `agent claude:
 * concurrency 2`, `test: maxParallel 2`; at most 40 characters.
 */
export function limitLabel(wait: Pick<LimitWait, 'limit' | 'name' | 'capacity' | 'per'>): string {
  const label = fullLabel(wait);
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

function fullLabel(wait: Pick<LimitWait, 'limit' | 'name' | 'capacity' | 'per'>): string {
  switch (wait.limit) {
    case 'concurrency':
      return `concurrency ${wait.capacity}`;
    case 'agent':
      return `agent ${wait.name}: concurrency ${wait.capacity}`;
    case 'rate':
      return `agent ${wait.name}: ${wait.capacity} start${wait.capacity === 1 ? '' : 's'} per ${wait.per}s`;
    case 'resource':
      return `resource ${wait.name}: capacity ${wait.capacity}`;
    case 'maxParallel':
      return `${wait.name}: maxParallel ${wait.capacity}`;
    case 'hold':
      return `agent ${wait.name}: its API's Retry-After`;
  }
}
