import { describe, expect, it } from 'vitest';
import { CostLedger } from './cost-ledger.js';

describe('CostLedger', () => {
  it('admits an attempt only while spent + reserved + its cost fits the budget', () => {
    const ledger = new CostLedger(1, 1.5);
    expect(ledger.admits(0.6)).toBe(true);
    ledger.reserve(0.6);
    // What runs now holds its declared cost: a second 0.6 would overrun.
    expect(ledger.admits(0.6)).toBe(false);
    expect(ledger.admits(0.4)).toBe(true);
    // It reported 0.1: the rest of its reservation is free again.
    ledger.settle(0.6, 0.1);
    expect(ledger.spent).toBeCloseTo(0.1);
    expect(ledger.admits(0.9)).toBe(true);
    expect(ledger.admits(0.91)).toBe(false);
  });

  it('tolerates the rounding of decimal costs that add up to the budget exactly', () => {
    const ledger = new CostLedger(0.3, 0.3);
    ledger.settle(0, 0.1);
    ledger.settle(0, 0.1);
    expect(ledger.admits(0.1)).toBe(true);
  });

  it('expects an attempt to cost the mean of what its task reported in this run, when more than it declares', () => {
    const ledger = new CostLedger(10, 0);
    expect(ledger.expected('review', 0.3)).toBe(0.3);
    ledger.settle(0, 0.4, 'review');
    ledger.settle(0, 0.6, 'review');
    expect(ledger.expected('review', 0.3)).toBeCloseTo(0.5);
    // Less than declared leaves the declared cost; a cost not reported, or another task's, says nothing of it.
    expect(ledger.expected('review', 0.8)).toBe(0.8);
    ledger.settle(0, 5);
    ledger.settle(0, 5, 'other');
    expect(ledger.expected('review', 0.3)).toBeCloseTo(0.5);
    expect(ledger.spent).toBeCloseTo(11);
  });

  it('admits everything without a budget', () => {
    const ledger = new CostLedger(undefined, 0);
    ledger.reserve(1e9);
    expect(ledger.admits(1e9)).toBe(true);
  });
});
