/**
 * The bound on an object's `issued_at` (spec/http-api.md REQ-API-014, federation.md REQ-FED-017):
 * an object takes effect at its `issued_at`, so one dated far ahead would act long after anyone
 * could see or correct it (a revocation dated 9999 would leave an allow in force and block every
 * later correction). A node accepts objects dated at most this far after its own clock.
 */
import { KyodakuError } from '@kyodaku/client';

/** Seconds an object's issued_at may lie after the node's clock; at exactly this many it is accepted. */
export const MAX_FUTURE_S = 300;

/** Refuses (400 schema-violation) an `issued_at` more than MAX_FUTURE_S after `nowMs`. */
export function assertNotFutureDated(issuedAt: string, nowMs: number): void {
  if (Date.parse(issuedAt) > nowMs + MAX_FUTURE_S * 1000) {
    throw new KyodakuError('ERR_SCHEMA', `issued_at is more than ${MAX_FUTURE_S} s in the future`);
  }
}
