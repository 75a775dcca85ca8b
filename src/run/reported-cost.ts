import { mostCost } from '../workflow/schema.js';
import { showNumber } from '../util/show-number.js';
import { isJsonText, memberAt } from '../workflow/templates.js';

/** A reported cost, if it is a number from 0 to the schema's most (sums of such stay finite). */
export function validCost(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return n >= 0 && n <= mostCost() ? n : undefined;
}

/**
 * What a command's attempt reported it cost, from its outputs: its `cost=`
 * output, else the member its `costOutput` names (costAt). `note` says why a
 * cost given was not taken (the declared one then counts).
 */
export function reportedCost(outputs: Readonly<Record<string, string>>, costOutput?: string): { cost?: number; note?: string } {
  if (outputs.cost === undefined) return costAt(outputs, costOutput);
  const cost = validCost(outputs.cost);
  return cost !== undefined ? { cost } : { note: `cost ${JSON.stringify(outputs.cost)} ignored: not a number from 0 to ${showNumber(mostCost())}; the declared cost counts` };
}

/**
 * The cost at `costOutput` (`answer.total_cost_usd`: output `answer` read as
 * JSON, its member `total_cost_usd`), if it names one; `note` says why what is
 * there was not taken. An output that is not there says nothing, as a failed
 * attempt may not have answered.
 */
export function costAt(outputs: Readonly<Record<string, string>>, costOutput?: string): { cost?: number; note?: string } {
  if (costOutput === undefined) return {};
  const [key, ...path] = costOutput.split('.');
  if (!Object.hasOwn(outputs, key!)) return {};
  const value = path.length ? memberAt(outputs[key!]!, path) : outputs[key!];
  const cost = validCost(value);
  if (cost !== undefined) return { cost };
  const found = value === undefined ? (path.length && !isJsonText(outputs[key!]!) ? `output "${key}" is not JSON` : 'there is nothing there') : `${JSON.stringify(value)} is not a number from 0 to ${showNumber(mostCost())}`;
  return { note: `costOutput ${costOutput} ignored: ${found}; the declared cost counts` };
}
