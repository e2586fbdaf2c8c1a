/**
 * Usage (spec/usage.md): publishing declarations, the holder and public queries, declarations and
 * their manifests, the signed holder report, labels, and the listing of AI developers and services.
 */
import { KyodakuError, schemas, toTimestamp, tryNormalizeIdentifier } from '@kyodaku/client';
import { Hono } from 'hono';
import { singleQuery } from '../http/query.ts';
import type { NodeContext } from '../node-context.ts';
import { assertNotFutureDated } from '../objects/time-bound.ts';
import { verifySigned } from '../objects/verify.ts';
import { storedView } from '../objects/views.ts';
import { issuerKeyOf } from '../parties/issuer-key.ts';
import { labelPage } from './label-page.ts';
import { manifestItems, readUsageBody, usageBodyLimit } from './manifest.ts';
import { parseUseCursor, useCursorOf } from './queries.ts';
import { holderReport } from './report.ts';
import { businessList, declarationView, labelView } from './views.ts';

function limitOf(text: string | undefined): number {
  const limit = /^[1-9]\d{0,6}$/.test(text ?? '100') ? Number(text ?? '100') : 0;
  if (limit < 1 || limit > schemas.LIMITS.maxPageSize) {
    throw new KyodakuError('ERR_INVALID_REQUEST', `limit must be 1..${schemas.LIMITS.maxPageSize}`);
  }
  return limit;
}

function identifierParam(value: string): string {
  const id = tryNormalizeIdentifier(value);
  if (id === undefined) throw new KyodakuError('ERR_INVALID_IDENTIFIER', 'the identifier does not normalize');
  return id;
}

function partyIdParam(value: string, name: string): string {
  if (!schemas.KeyId.safeParse(value).success)
    throw new KyodakuError('ERR_INVALID_REQUEST', `${name} must be a party id`);
  return value;
}

export function usageRoutes(node: NodeContext) {
  const resolveKey = issuerKeyOf(node.keys);
  const queries = node.usage.queries;

  return new Hono()
    .post('/v1/usage', usageBodyLimit, async (c) => {
      const body = await readUsageBody(c);
      const declaration = await verifySigned(body.jws, 'usage-declaration', resolveKey);
      const d = declaration.payload;
      const nowMs = node.now();
      assertNotFutureDated(d.issued_at, nowMs);
      const attestation = node.index.attestationAt(d.iss, toTimestamp(nowMs));
      if (attestation === undefined) {
        throw new KyodakuError(
          'ERR_UNATTESTED',
          'the declarant key has no attestation in force at this node',
        );
      }
      if (attestation.role !== 'ai-developer') {
        throw new KyodakuError('ERR_FORBIDDEN', 'only an AI developer or service declares usage');
      }
      let items: readonly schemas.UsageItem[];
      if (d.manifest !== undefined) {
        if (body.manifest === undefined) {
          throw new KyodakuError(
            'ERR_INVALID_REQUEST',
            'send the manifest with the declaration (application/x-ndjson)',
          );
        }
        items = manifestItems(body.manifest, d.manifest);
      } else {
        if (body.manifest !== undefined) {
          throw new KyodakuError('ERR_INVALID_REQUEST', 'a declaration with inline items has no manifest');
        }
        items = d.items!;
      }
      const { stored, label } = await node.usage.putDeclaration(
        declaration,
        items,
        body.manifest,
        toTimestamp(node.now()),
      );
      return c.json(
        {
          ...storedView(stored),
          declaration: declaration.signedPayload,
          label: label === undefined ? null : String(label.seq),
        },
        201,
        { location: `/v1/usage/${stored.id}` },
      );
    })
    .get('/v1/usage', async (c) => {
      const holder = singleQuery(c, 'holder');
      const id = singleQuery(c, 'id');
      const declarant = singleQuery(c, 'declarant');
      const limit = limitOf(singleQuery(c, 'limit'));
      const cursor = singleQuery(c, 'cursor');
      if ([holder, id, declarant].filter((v) => v !== undefined).length !== 1) {
        throw new KyodakuError('ERR_INVALID_REQUEST', 'give exactly one of holder, id and declarant');
      }
      if (declarant !== undefined) {
        partyIdParam(declarant, 'declarant');
        if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) {
          throw new KyodakuError('ERR_INVALID_REQUEST', 'cursor is not one this node issued');
        }
        const rows = await queries.declarationsOf(
          declarant,
          cursor === undefined ? -1 : Number(cursor),
          limit + 1,
        );
        const page = rows.slice(0, limit);
        const body: schemas.DeclarationList = {
          declarations: page.map((r) => declarationView(r)),
          next_cursor: rows.length > limit ? String(page[page.length - 1]!.d.seq) : null,
        };
        return c.json(body);
      }
      const after = parseUseCursor(cursor);
      const rows =
        holder !== undefined
          ? await queries.usesOfHolder(partyIdParam(holder, 'holder'), after, limit + 1)
          : await queries.usesOfIdentifier(identifierParam(id!), after, limit + 1);
      const page = rows.slice(0, limit);
      const body: schemas.UsageUseList = {
        uses: page,
        next_cursor: rows.length > limit ? useCursorOf(page[page.length - 1]!) : null,
      };
      return c.json(body);
    })
    .get('/v1/usage/report', async (c) => {
      const holder = singleQuery(c, 'holder');
      if (holder === undefined) throw new KyodakuError('ERR_INVALID_REQUEST', 'holder must be a party id');
      const report = await holderReport(node, queries, partyIdParam(holder, 'holder'));
      return c.json(report, 200, { 'cache-control': 'no-store' });
    })
    .get('/v1/usage/:id/manifest', async (c) => {
      const body = await queries.manifest(c.req.param('id'));
      if (body === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'no manifest for this declaration');
      return c.body(body, 200, { 'content-type': 'application/x-ndjson' });
    })
    .get('/v1/usage/:id', async (c) => {
      const row = await queries.declaration(c.req.param('id'));
      if (row === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'no such declaration');
      return c.json(declarationView(row));
    })
    .get('/v1/labels/:number', async (c) => {
      const number = c.req.param('number');
      const row = /^(0|[1-9]\d{0,14})$/.test(number) ? await queries.label(Number(number)) : undefined;
      if (row === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'no such label');
      const view = await labelView(node, row);
      if ((c.req.header('accept') ?? '').includes('text/html')) return c.html(labelPage(view));
      return c.json(view, 200, { 'cache-control': 'no-cache' });
    })
    .get('/v1/businesses', async (c) => {
      const limit = limitOf(singleQuery(c, 'limit'));
      const cursor = singleQuery(c, 'cursor');
      if (cursor !== undefined) partyIdParam(cursor, 'cursor');
      return c.json(await businessList(node, cursor, limit));
    });
}
