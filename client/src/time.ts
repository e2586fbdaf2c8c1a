/** Timestamps in the one encoding the protocol uses: RFC 3339 UTC with whole seconds. */
export function toTimestamp(date: Date | number = Date.now()): string {
  const ms = typeof date === 'number' ? date : date.getTime();
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
