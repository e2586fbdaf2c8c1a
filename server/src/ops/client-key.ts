/**
 * Who a request comes from, for rate limits and access logs: the peer's IP address, or behind
 * `trustProxy` reverse proxies the address the outermost of them saw (`X-Forwarded-For`, counted
 * from the right: a client can prepend anything, so only the entries the proxies appended count).
 * An IPv6 client is its /64 prefix (one host usually holds a whole /64); an IPv4-mapped IPv6 address
 * is its IPv4 address. A request with no socket (in-process `app.request`) is `local`.
 */
import { isIP } from 'node:net';
import type { Context } from 'hono';

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/** The address the request came from, as it arrived (for the access log). */
export function remoteAddress(c: Context, trustProxy: number): string | undefined {
  if (trustProxy > 0) {
    const forwarded = c.req.header('x-forwarded-for');
    if (forwarded !== undefined) {
      const hops = forwarded
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h.length > 0);
      const hop = hops[Math.max(0, hops.length - trustProxy)];
      if (hop !== undefined && isIP(hop) !== 0) return hop;
    }
  }
  return (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
}

/** The key of a client's rate-limit buckets. */
export function clientKey(address: string | undefined): string {
  if (address === undefined) return 'local';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  return `${ipv6Prefix64(address)}::/64`;
}

/** The first four groups of an IPv6 address, expanded (`2001:db8::1` -> `2001:db8:0:0`). */
function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.split('%')[0]!.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // A dotted IPv4 tail (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) stands for two groups.
  const width = (parts: string[]) => parts.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - width(left) - width(right)).fill('0'), ...right];
  return groups
    .slice(0, 4)
    .map((g) => (g.includes('.') ? '0' : g.toLowerCase().replace(/^0+(?=.)/, '')))
    .join(':');
}
