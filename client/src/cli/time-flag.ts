/** Time flags: RFC 3339 (any offset, fractions dropped) or a date `YYYY-MM-DD` (midnight UTC). */
import { toTimestamp } from '../time.ts';
import { usageError } from './output.ts';

export function parseTime(text: string, flag: string): string {
  const value = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw usageError(`${flag} must be an RFC 3339 time (2027-01-01T00:00:00Z) or a date (2027-01-01)`);
  }
  return toTimestamp(ms);
}
