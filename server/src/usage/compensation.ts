/**
 * Compensation due under a record's terms (spec/usage.md §6.2), in exact decimal arithmetic: amounts
 * are decimal strings with at most 8 fraction digits, computed as integers of 10^-8 units and
 * rounded down per item.
 */
import type { Compensation } from './citations.ts';

const SCALE = 100_000_000n;

/** A decimal string as an integer of 10^-8 units. */
export function toUnits(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole!) * SCALE + BigInt(fraction.padEnd(8, '0'));
}

/** An integer of 10^-8 units as the shortest decimal string. */
export function fromUnits(units: bigint): string {
  const whole = units / SCALE;
  const fraction = (units % SCALE).toString().padStart(8, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/** What the use of one item is worth under its record's terms. */
export interface ItemDue {
  currency: string;
  units: bigint;
}

/**
 * The amount due for one item used `uses` times: per-use `amount × uses`, flat-fee `amount` (per
 * work), revenue-share `amount` percent of the declaration's revenue divided by its item count;
 * free nothing. `unpriced` when the terms name a share but the declaration gave no revenue, or an
 * amount without a currency.
 */
export function dueFor(
  terms: Compensation | undefined,
  uses: number,
  revenue: { amount: string; currency: string } | undefined,
  declarationItems: number,
): ItemDue | 'unpriced' | undefined {
  if (terms === undefined || terms.model === 'free' || terms.amount === undefined) return undefined;
  const amount = toUnits(terms.amount);
  if (terms.model === 'revenue-share') {
    if (revenue === undefined) return 'unpriced';
    const units = (amount * toUnits(revenue.amount)) / (100n * SCALE * BigInt(declarationItems));
    return { currency: revenue.currency, units };
  }
  if (terms.currency === undefined) return 'unpriced';
  return { currency: terms.currency, units: terms.model === 'per-use' ? amount * BigInt(uses) : amount };
}
