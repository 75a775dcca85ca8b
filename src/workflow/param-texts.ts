import type { DocPath } from './diagnostics.js';
import { hasTemplate } from './templates.js';

/**
 * A task's `params` with `render` applied to every text in them, however deep
 * (a list of files, a nested option): their templates filled, when the
 * workflow loads (inputs, matrix values, the runner) and again when an attempt
 * starts (the outputs of its needs, the environment). Params without a
 * template are returned as they are.
 */
export function renderParams(params: Record<string, unknown>, render: (text: string) => string): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return hasTemplate(value) ? render(value) : value;
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return holdsTemplate(params) ? (walk(params) as Record<string, unknown>) : params;
}

/** Whether a text in `value`, however deep, holds a template: most params hold none, and are then rendered for no attempt. */
function holdsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return hasTemplate(value);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsTemplate);
  return false;
}

/** Every text in `params` that holds a template, with its path (`at` followed by the keys and indices to it). */
export function paramTexts(params: Record<string, unknown> | undefined, at: DocPath): Array<{ path: DocPath; text: string }> {
  const found: Array<{ path: DocPath; text: string }> = [];
  const walk = (value: unknown, path: DocPath) => {
    if (typeof value === 'string') {
      if (hasTemplate(value)) found.push({ path, text: value });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(params ?? {}, at);
  return found;
}
