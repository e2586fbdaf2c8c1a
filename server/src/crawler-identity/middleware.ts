/**
 * Crawler identity on queries (spec/crawler-identity.md): a request to a query path that carries
 * Web Bot Auth signature fields is verified before its handler runs; a valid one puts the
 * crawler's identity on the context (receipts name it, REQ-CRAWLER-008), a bad one is refused 401
 * (`invalid-crawler-signature` or `unknown-crawler-key`), and an unsigned one passes unchanged:
 * identity is optional (REQ-CRAWLER-002).
 */
import { type CrawlerIdentity, verifyCrawlerRequest } from '@kyodaku/client';
import type { Context, MiddlewareHandler } from 'hono';
import type { NodeContext } from '../node-context.ts';
import { KeyDirectories } from './key-directories.ts';
import { RegisteredCrawlerKeys } from './registered-keys.ts';

/** The paths whose requests may be signed as a crawler (REQ-CRAWLER-001). */
export const CRAWLER_QUERY_PATHS = ['/v1/decision', '/v1/decisions', '/v1/prompt-checks', '/v1/snapshot'];

const IDENTITY = 'crawlerIdentity';

function isQueryPath(path: string): boolean {
  return CRAWLER_QUERY_PATHS.includes(path) || path.startsWith('/v1/snapshot/filters/');
}

/** The verified crawler of a request, if it was signed. */
export function crawlerOf(c: Context): CrawlerIdentity | undefined {
  return c.get(IDENTITY) as CrawlerIdentity | undefined;
}

export function crawlerIdentity(node: NodeContext): MiddlewareHandler {
  const directories = new KeyDirectories({ now: node.now });
  const registered = new RegisteredCrawlerKeys(node);
  return async (c, next) => {
    if (!isQueryPath(c.req.path)) return next();
    const identity = await verifyCrawlerRequest(
      { method: c.req.method, url: c.req.url, headers: c.req.raw.headers },
      {
        now: node.now(),
        resolveKey: (keyid, directory) =>
          directory === undefined ? registered.key(keyid) : directories.key(directory, keyid),
      },
    );
    if (identity !== undefined) c.set(IDENTITY, identity);
    await next();
  };
}
