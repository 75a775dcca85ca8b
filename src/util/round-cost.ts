/** A cost to a millionth, as plans, results and progress show costs: sums of decimals (0.1 + 0.2) do not print their float error. */
export function roundCost(cost: number): number {
  return Math.round(cost * 1e6) / 1e6;
}
