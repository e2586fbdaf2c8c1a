/** Reading query parameters at the edge (spec/http-api.md §1). */
import { KyodakuError } from '@kyodaku/client';
import type { Context } from 'hono';

/** The one value of a query parameter; a parameter given more than once is refused (REQ-API-079). */
export function singleQuery(c: Context, name: string): string | undefined {
  const values = c.req.queries(name);
  if (values !== undefined && values.length > 1) {
    throw new KyodakuError('ERR_INVALID_REQUEST', `${name} is given more than once`);
  }
  return values?.[0];
}
