/** GET /.well-known/kyodaku: node metadata (spec/http-api.md §2). */
import { schemas } from '@kyodaku/client';
import { Hono } from 'hono';
import type { NodeContext } from '../node-context.ts';

/** `rateLimits`: the limits members of spec/http-api.md §10 that the node applies (ops/). */
export function wellKnownRoutes(node: NodeContext, rateLimits: Record<string, number> = {}) {
  const { LIMITS } = schemas;
  const body: schemas.WellKnown = {
    spec_version: '0.1',
    software: 'kyodaku-reference/0.1.0',
    node: { id: node.node.kid, key: node.node.publicJwk, name: node.name, origin: node.origin },
    admin_key: node.admin.kid,
    admin_public_key: node.admin.publicJwk,
    profiles: [
      'core',
      'log',
      ...(node.federation === undefined ? [] : ['federation']),
      ...(node.generation === undefined ? [] : ['generation']),
      'interop',
      'usage',
      'snapshot',
      'crawler-identity',
    ],
    log: {
      origin: node.origin,
      checkpoint_url: '/v1/log/checkpoint',
      verifier_key: node.log.verifierKey,
    },
    limits: {
      max_body_bytes: LIMITS.maxBodyBytes,
      max_jws_bytes: LIMITS.maxJwsBytes,
      max_batch_ids: LIMITS.maxBatchIds,
      max_batch_purposes: LIMITS.maxBatchPurposes,
      max_page_size: LIMITS.maxPageSize,
      max_batch_objects: LIMITS.maxBatchObjects,
      ...rateLimits,
      ...(node.generation !== undefined && {
        max_prompt_chars: LIMITS.maxPromptChars,
        max_prompt_matches: LIMITS.maxPromptMatches,
      }),
    },
  };
  return new Hono().get('/.well-known/kyodaku', (c) => {
    const federation = node.federation;
    if (federation === undefined) return c.json(body);
    // The peers followed now (spec/federation.md REQ-FED-001).
    const follows = federation
      .statuses()
      .map((p) => ({ origin: p.origin, url: p.url, node_key: p.node_key, state: p.state }));
    return c.json({ ...body, federation: { peers_url: '/v1/peers', follows } });
  });
}
