/**
 * The export routes of the `interop` profile (spec/interop.md §9): `GET /v1/interop/{format}` states
 * the node's decision for an item, for every purpose leaf, in a foreign format. The decision comes
 * from the in-memory decision index, as `GET /v1/decision` does; only the TDMRep policy reads the
 * offering party's registration (its name and contact) from the database.
 */
import { interop, KyodakuError, schemas, toTimestamp, tryNormalizeIdentifier } from '@kyodaku/client';
import { Hono } from 'hono';
import { MAX_QUERY_IDS } from '../decisions/routes.ts';
import type { NodeContext } from '../node-context.ts';
import { assignerOf } from './assigner.ts';
import { type ItemAnswer, itemAnswer } from './item-answer.ts';

const { EXPORT_FORMATS } = interop;
type ExportFormat = interop.ExportFormat;

const URL_FORMATS = new Set<ExportFormat>(['robots', 'tdmrep', 'rsl']);

function idsOf(raw: string[] | undefined): string[] {
  if (raw === undefined || raw.length === 0)
    throw new KyodakuError('ERR_INVALID_IDENTIFIER', 'give the item as one or more id parameters');
  if (raw.length > MAX_QUERY_IDS)
    throw new KyodakuError('ERR_INVALID_REQUEST', `at most ${MAX_QUERY_IDS} id parameters`);
  return raw.map((value) => {
    const id = tryNormalizeIdentifier(value);
    if (id === undefined) throw new KyodakuError('ERR_INVALID_IDENTIFIER', 'an id does not normalize');
    return id;
  });
}

function atOf(raw: string[] | undefined, now: number): string {
  if (raw === undefined) return toTimestamp(now);
  const at = raw[0];
  if (raw.length !== 1 || at === undefined || !schemas.Timestamp.safeParse(at).success)
    throw new KyodakuError('ERR_INVALID_REQUEST', 'at must be one RFC 3339 UTC timestamp with whole seconds');
  return at;
}

/** The body, media type and extra header fields of one export. */
async function render(
  node: NodeContext,
  format: ExportFormat,
  item: ItemAnswer,
  origin: string,
): Promise<{ body: string; type: string; headers?: Record<string, string> }> {
  const { permissions, conditions, paths, odrlUrl, tdmPolicyUrl, target } = item;
  switch (format) {
    case 'aipref': {
      const preference = interop.preferenceFor(permissions);
      return {
        body: `${preference}\n`,
        type: 'text/plain; charset=utf-8',
        headers: { 'content-usage': preference },
      };
    }
    case 'robots':
      return { body: interop.robotsLinesFor(paths, permissions), type: 'text/plain; charset=utf-8' };
    case 'tdmrep': {
      const declaration = interop.tdmDeclarationFor(permissions, tdmPolicyUrl);
      return {
        body: interop.tdmrepJsonFor(paths, declaration),
        type: 'application/json',
        headers: interop.tdmHeadersFor(declaration),
      };
    }
    case 'tdmrep-html': {
      const declaration = interop.tdmDeclarationFor(permissions, tdmPolicyUrl);
      return { body: interop.tdmHtmlMetaFor(declaration), type: 'text/html; charset=utf-8' };
    }
    case 'tdm-policy': {
      if (item.offeringRecord === undefined)
        throw new KyodakuError(
          'ERR_NOT_FOUND',
          'no record names the item: no rights holder offers a TDM licence',
        );
      const assigner = await assignerOf(node, item.offeringRecord, origin);
      const policy = interop.tdmPolicyFor(tdmPolicyUrl, target, assigner, conditions);
      return { body: `${JSON.stringify(policy, null, 2)}\n`, type: 'application/ld+json' };
    }
    case 'cawg':
      return {
        body: `${JSON.stringify(interop.cawgAssertionFor(permissions, odrlUrl), null, 2)}\n`,
        type: 'application/json',
      };
    case 'rsl':
      return { body: interop.rslFor(paths, permissions, conditions, odrlUrl), type: 'application/rsl+xml' };
    case 'odrl': {
      const policy = interop.odrlPolicyFor(odrlUrl, target, permissions, conditions);
      return { body: `${JSON.stringify(policy, null, 2)}\n`, type: 'application/ld+json' };
    }
  }
}

export function interopRoutes(node: NodeContext) {
  return new Hono().get('/v1/interop/:format', async (c) => {
    const format = c.req.param('format') as ExportFormat;
    if (!(EXPORT_FORMATS as readonly string[]).includes(format))
      throw new KyodakuError(
        'ERR_NOT_FOUND',
        `no export format ${JSON.stringify(format)}; formats: ${EXPORT_FORMATS.join(', ')}`,
      );
    const ids = idsOf(c.req.queries('id'));
    const at = atOf(c.req.queries('at'), node.now());
    const origin = new URL(c.req.url).origin;
    const item = itemAnswer(node.index.decide(ids, 'all', at), ids, origin);
    if (URL_FORMATS.has(format) && item.paths.length === 0)
      throw new KyodakuError(
        'ERR_INVALID_REQUEST',
        `the ${format} export names paths: give a url: identifier of the item`,
      );
    const { body, type, headers } = await render(node, format, item, origin);
    return c.body(body, 200, {
      'content-type': type,
      'cache-control': 'no-store',
      'kyodaku-records': item.records.join(','),
      ...headers,
    });
  });
}
