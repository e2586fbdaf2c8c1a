/** Timestamps in the one encoding the protocol uses: RFC 3339 UTC with whole seconds. */
let lastSecond = Number.NaN;
let lastText = '';

export function toTimestamp(date: Date | number = Date.now()): string {
  const ms = typeof date === 'number' ? date : date.getTime();
  const second = Math.floor(ms / 1000);
  // Many timestamps of one request fall in the same second: format each second once.
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastText;
}
