/**
 * The OpenAPI 3.1 description of the node, generated from the shared zod schemas (the same ones
 * spec/schemas/*.json come from) with z.toJSONSchema; the paths are listed here once.
 */

import { schemas } from '@kyodaku/client';
import { z } from 'zod';
import { withCrawlerSignatures } from '../crawler-identity/openapi-paths.ts';
import { logPaths } from '../log/openapi-paths.ts';
import { snapshotPaths } from '../snapshots/openapi-paths.ts';
import { usagePaths } from '../usage/openapi-paths.ts';
import { jose, json, pathParam, problems, publish, ref } from './openapi-parts.ts';

type Json = Record<string, unknown>;

export function buildOpenApi(): Json {
  const generated = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Json> };
  const components: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(generated.schemas).sort(([a], [b]) => a.localeCompare(b))) {
    const { $schema: _s, $id: _i, ...rest } = schema;
    components[name] = rest;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kyodaku registry node',
      version: '0.1',
      summary: 'Opt-in consent records for AI: publish signed records, ask for decisions. Default deny.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths: withCrawlerSignatures({
      '/.well-known/kyodaku': {
        get: {
          summary: 'Node metadata: keys, profiles, limits',
          responses: { '200': { description: 'Metadata', content: json('WellKnown') } },
        },
      },
      '/v1/parties': {
        ...publish('Register a party (self-signed)', 'kyodaku-party+jws', 'PartyView'),
        get: {
          summary: 'Parties by name, folded as prompt checks fold names (REQ-API-102)',
          parameters: [
            {
              name: 'name',
              in: 'query',
              required: true,
              schema: { type: 'string', minLength: 1, maxLength: 200 },
            },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            },
          ],
          responses: {
            '200': { description: 'The parties found', content: json('PartyList') },
            ...problems(400),
          },
        },
      },
      '/v1/parties/{party_id}': {
        get: {
          summary: 'A party, its current registration and its attestations',
          parameters: [pathParam('party_id', 'RFC 7638 thumbprint of the party key')],
          responses: { '200': { description: 'The party', content: json('PartyView') }, ...problems(404) },
        },
      },
      '/v1/parties/{party_id}/keys': {
        get: {
          summary: "A party's keys, oldest first, its current key and compromised keys",
          parameters: [pathParam('party_id', 'the party id (thumbprint of its first key)')],
          responses: { '200': { description: 'The keys', content: json('PartyKeys') }, ...problems(404) },
        },
      },
      '/v1/key-changes': publish(
        "Bind a new key to a party (signed by the current key, with the new key's proof)",
        'kyodaku-key-change+jws',
        'KeyChangeView',
      ),
      '/v1/key-changes/{id}': {
        get: {
          summary: 'A key change',
          parameters: [pathParam('id', 'object id')],
          responses: {
            '200': { description: 'The key change', content: json('KeyChangeView') },
            ...problems(404),
          },
        },
      },
      '/v1/key-compromises': publish(
        'Declare a former key of a party compromised since a time',
        'kyodaku-key-compromise+jws',
        'KeyCompromiseView',
        [404],
      ),
      '/v1/key-compromises/{id}': {
        get: {
          summary: 'A key compromise declaration',
          parameters: [pathParam('id', 'object id')],
          responses: {
            '200': { description: 'The declaration', content: json('KeyCompromiseView') },
            ...problems(404),
          },
        },
      },
      '/v1/delegations': publish(
        'Delegate to an agent that acts for the party (signed by the current key)',
        'kyodaku-delegation+jws',
        'DelegationView',
        [404],
      ),
      '/v1/delegations/{id}': {
        get: {
          summary: 'A delegation, and its revocation if revoked',
          parameters: [pathParam('id', 'object id')],
          responses: {
            '200': { description: 'The delegation', content: json('DelegationView') },
            ...problems(404),
          },
        },
      },
      '/v1/delegation-revocations': publish(
        'End a delegation the party made',
        'kyodaku-delegation-revocation+jws',
        'DelegationRevocationView',
        [404],
      ),
      '/v1/delegation-revocations/{id}': {
        get: {
          summary: 'A delegation revocation',
          parameters: [pathParam('id', 'object id')],
          responses: {
            '200': { description: 'The revocation', content: json('DelegationRevocationView') },
            ...problems(404),
          },
        },
      },
      '/v1/parties/{party_id}/delegations': {
        get: {
          summary: 'The delegations a party made and those made to it, oldest first',
          parameters: [pathParam('party_id', 'the party id')],
          responses: {
            '200': { description: 'The delegations', content: json('DelegationList') },
            ...problems(404),
          },
        },
      },
      '/v1/attestations': publish(
        'Attest a party key (admin request)',
        'kyodaku-admin+jws, action attest',
        'AttestationView',
        [401, 404],
      ),
      '/v1/attestations/revocations': publish(
        'Revoke an attestation (admin request)',
        'kyodaku-admin+jws, action revoke-attestation',
        'AttestationRevocationView',
        [401, 404],
      ),
      '/v1/attestations/{id}': {
        get: {
          summary: 'An attestation made by this node',
          parameters: [pathParam('id', 'object id')],
          responses: {
            '200': { description: 'The attestation', content: json('AttestationView') },
            ...problems(404),
          },
        },
      },
      '/v1/attestations/revocations/{id}': {
        get: {
          summary: 'An attestation revocation',
          parameters: [pathParam('id', 'object id')],
          responses: {
            '200': { description: 'The revocation', content: json('AttestationRevocationView') },
            ...problems(404),
          },
        },
      },
      '/v1/records': {
        ...publish('Publish a consent record', 'kyodaku-record+jws', 'RecordView', [403, 404]),
        get: {
          summary: 'Records of an issuer, oldest first, by pages',
          parameters: [
            { name: 'issuer', in: 'query', required: true, schema: ref('KeyId') },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: schemas.LIMITS.maxPageSize, default: 100 },
            },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { '200': { description: 'A page', content: json('RecordList') }, ...problems(400) },
        },
      },
      '/v1/records/{id}': {
        get: {
          summary: 'A record with its status now',
          parameters: [pathParam('id', 'object id')],
          responses: { '200': { description: 'The record', content: json('RecordView') }, ...problems(404) },
        },
      },
      '/v1/revocations': publish(
        'Revoke a record (by its issuer)',
        'kyodaku-revocation+jws',
        'RevocationView',
        [403, 404],
      ),
      '/v1/publications': {
        post: {
          summary: `Publish up to ${schemas.LIMITS.maxBatchObjects} parties, records and revocations, applied in order`,
          requestBody: { required: true, content: json('PublicationRequest') },
          responses: {
            '200': { description: 'One result per object, in order', content: json('PublicationResponse') },
            ...problems(400, 413, 415),
          },
        },
      },
      '/v1/revocations/{id}': {
        get: {
          summary: 'A record revocation',
          parameters: [pathParam('id', 'object id')],
          responses: {
            '200': { description: 'The revocation', content: json('RevocationView') },
            ...problems(404),
          },
        },
      },
      '/v1/works/{identifier}': {
        get: {
          summary: 'Every record naming an identifier, current and past',
          parameters: [
            pathParam('identifier', 'a work identifier scheme:value, percent-encoded as one segment'),
          ],
          responses: { '200': { description: 'The work', content: json('WorkView') }, ...problems(400) },
        },
      },
      '/v1/decision': {
        get: {
          summary: 'Decide one item for one purpose (default deny)',
          parameters: [
            {
              name: 'id',
              in: 'query',
              required: true,
              description: 'identifier of the item; may repeat (at most 100)',
              schema: { type: 'array', items: { type: 'string' } },
              style: 'form',
              explode: true,
            },
            { name: 'purpose', in: 'query', required: true, schema: ref('Purpose') },
            { name: 'at', in: 'query', schema: ref('Timestamp') },
          ],
          responses: {
            '200': { description: 'The decision', content: json('Decision') },
            ...problems(400, 429),
          },
        },
      },
      '/v1/decisions': {
        post: {
          summary: `Decide a batch of up to ${schemas.LIMITS.maxBatchIds} ids for one or more purposes`,
          requestBody: { required: true, content: json('BatchDecisionRequest') },
          responses: {
            '200': { description: 'One result per (id, purpose)', content: json('BatchDecisionResponse') },
            ...problems(400, 413, 415, 429),
          },
        },
      },
      '/v1/prompt-checks': {
        post: {
          summary:
            'Generation profile: every registered title and alias found in a text, with the decision per purpose for each item found (default deny)',
          requestBody: { required: true, content: json('PromptCheckRequest') },
          responses: {
            '200': { description: 'The matches and their decisions', content: json('PromptCheckResponse') },
            ...problems(400, 413, 415),
          },
        },
      },
      '/v1/interop/{format}': {
        get: {
          summary:
            'Interop profile: the decision for an item, every purpose leaf, as aipref, robots.txt lines, TDMRep, a CAWG assertion, RSL license.xml or ODRL (spec/interop.md)',
          parameters: [
            pathParam('format', 'aipref, robots, tdmrep, tdmrep-html, tdm-policy, cawg, rsl or odrl'),
            {
              name: 'id',
              in: 'query',
              required: true,
              description:
                'identifier of the item; may repeat (at most 100); robots, tdmrep and rsl need a url: one',
              schema: { type: 'array', items: { type: 'string' } },
              style: 'form',
              explode: true,
            },
            { name: 'at', in: 'query', schema: ref('Timestamp') },
          ],
          responses: {
            '200': {
              description: 'The export in its own media type',
              content: {
                'text/plain': {},
                'application/json': {},
                'application/rsl+xml': {},
                'application/ld+json': {},
              },
            },
            ...problems(400, 404),
          },
        },
      },
      ...logPaths(),
      '/v1/peers': {
        get: {
          summary: 'The peers this node follows, with cursor, lag, last checkpoint and errors',
          responses: { '200': { description: 'The status of every peer', content: json('PeerList') } },
        },
        post: {
          summary: 'Follow, unfollow or resume a peer (admin request, action follow, unfollow or resume)',
          requestBody: jose('kyodaku-admin+jws'),
          responses: {
            '200': {
              description: 'peer status: already followed, followed again, unfollowed or resumed',
              content: json('PeerStatus'),
            },
            '201': { description: 'peer status: followed', content: json('PeerStatus') },
            ...problems(400, 401, 404, 409),
          },
        },
      },
      ...usagePaths(),
      ...snapshotPaths(),
      '/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
      '/docs': { get: { summary: 'Browsable API reference', responses: { '200': { description: 'HTML' } } } },
      '/': {
        get: {
          summary: 'The web page: browse, verify and publish, in Japanese and English (http-api.md §12)',
          responses: { '200': { description: 'HTML' }, '503': { description: 'the page is not built' } },
        },
      },
      '/ui/app.js': {
        get: { summary: "The web page's script", responses: { '200': { description: 'JavaScript' } } },
      },
      '/ui/app.css': {
        get: { summary: "The web page's style sheet", responses: { '200': { description: 'CSS' } } },
      },
      '/healthz': {
        get: {
          summary: 'Liveness: the process serves HTTP (never rate-limited)',
          responses: { '200': { description: '{"status": "ok"}' } },
        },
      },
      '/readyz': {
        get: {
          summary:
            'Readiness: the database answers and every appended entry is soon covered by a signed checkpoint (never rate-limited)',
          responses: {
            '200': { description: '{"status": "ready", "checks": {database, log}}' },
            ...problems(503),
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (text exposition format 0.0.4; never rate-limited)',
          responses: { '200': { description: 'metrics', content: { 'text/plain': {} } }, ...problems(404) },
        },
      },
    }),
    components: {
      schemas: components,
      responses: {
        Problem: {
          description: 'RFC 9457 problem details with a stable type (urn:kyodaku:problem:…)',
          content: { 'application/problem+json': { schema: ref('Problem') } },
        },
      },
    },
  };
}
