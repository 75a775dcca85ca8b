import { mostCost } from '../workflow/schema.js';
import { showNumber } from '../util/show-number.js';
import { memberAt } from '../workflow/templates.js';

/** A reported cost, if it is a number from 0 to the schema's most (sums of such stay finite). */
function validCost(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return n >= 0 && n <= mostCost() ? n : undefined;
}

/**
 * What an attempt reported it cost, from its outputs: its `cost=` output,
 * else the member its `costOutput` names (`answer.total_cost_usd`: output
 * `answer` read as JSON). `note` says why a cost given was not taken (the
 * declared one then counts); an output that is not there says nothing, as
 * a failed attempt may not have answered.
 */
export function reportedCost(outputs: Readonly<Record<string, string>>, costOutput?: string): { cost?: number; note?: string } {
  const most = showNumber(mostCost());
  if (outputs.cost !== undefined) {
    const cost = validCost(outputs.cost);
    return cost !== undefined ? { cost } : { note: `cost ${JSON.stringify(outputs.cost)} ignored: not a number from 0 to ${most}; the declared cost counts` };
  }
  if (costOutput === undefined) return {};
  const [key, ...path] = costOutput.split('.');
  if (!Object.hasOwn(outputs, key!)) return {};
  const value = path.length ? memberAt(outputs[key!]!, path) : outputs[key!];
  const cost = validCost(value);
  if (cost !== undefined) return { cost };
  const found = value === undefined ? (path.length && memberAt(outputs[key!]!, []) === undefined ? `output "${key}" is not JSON` : 'there is nothing there') : `${JSON.stringify(value)} is not a number from 0 to ${most}`;
  return { note: `costOutput ${costOutput} ignored: ${found}; the declared cost counts` };
}
