/** The Kyodaku registry node as a Hono app, without listen: main.ts binds it, tests call app.request(). */
import { Hono } from 'hono';
import { crawlerIdentity } from './crawler-identity/middleware.ts';
import { decisionRoutes } from './decisions/routes.ts';
import { peerRoutes } from './federation/routes.ts';
import { generationRoutes } from './generation/routes.ts';
import { docsRoutes } from './http/docs.ts';
import { methodNotAllowed, notFound, onError } from './http/problem.ts';
import { wellKnownRoutes } from './http/well-known.ts';
import { interopRoutes } from './interop/routes.ts';
import { batchReceipt, singleReceipt } from './log/receipts.ts';
import { logRoutes } from './log/routes.ts';
import type { NodeContext } from './node-context.ts';
import { createOps, type OpsOptions } from './ops/ops.ts';
import { attestationRoutes } from './parties/attestation-routes.ts';
import { delegationRoutes } from './parties/delegation-routes.ts';
import { keyRoutes } from './parties/key-routes.ts';
import { partyRoutes } from './parties/routes.ts';
import { publisher as createPublisher } from './publish/publisher.ts';
import { publicationRoutes } from './publish/routes.ts';
import { revocationRoutes } from './records/revocation-routes.ts';
import { recordRoutes } from './records/routes.ts';
import { workRoutes } from './records/work-routes.ts';
import { snapshotRoutes } from './snapshots/routes.ts';
import { usageRoutes } from './usage/routes.ts';
import { apiCors } from './web/cors.ts';
import { webRoutes } from './web/routes.ts';

/** Every path the node serves and its methods: any other method is 405 (REQ-ERR-004). */
const PATHS: Array<[path: string, allow: string]> = [
  ['/.well-known/kyodaku', 'GET'],
  ['/v1/parties', 'GET, POST'],
  ['/v1/parties/:party_id', 'GET'],
  ['/v1/attestations', 'POST'],
  ['/v1/attestations/revocations', 'POST'],
  ['/v1/attestations/revocations/:id', 'GET'],
  ['/v1/attestations/:id', 'GET'],
  ['/v1/records', 'GET, POST'],
  ['/v1/records/:id', 'GET'],
  ['/v1/revocations', 'POST'],
  ['/v1/revocations/:id', 'GET'],
  ['/v1/publications', 'POST'],
  ['/v1/key-changes', 'POST'],
  ['/v1/key-changes/:id', 'GET'],
  ['/v1/key-compromises', 'POST'],
  ['/v1/key-compromises/:id', 'GET'],
  ['/v1/parties/:party_id/keys', 'GET'],
  ['/v1/delegations', 'POST'],
  ['/v1/delegations/:id', 'GET'],
  ['/v1/delegation-revocations', 'POST'],
  ['/v1/delegation-revocations/:id', 'GET'],
  ['/v1/parties/:party_id/delegations', 'GET'],
  ['/v1/works/:identifier{.+}', 'GET'],
  ['/v1/decision', 'GET'],
  ['/v1/decisions', 'POST'],
  ['/v1/prompt-checks', 'POST'],
  ['/v1/interop/:format', 'GET'],
  ['/v1/log/checkpoint', 'GET'],
  ['/v1/log/proof/inclusion', 'GET'],
  ['/v1/log/proof/consistency', 'GET'],
  ['/v1/log/entries', 'GET'],
  ['/v1/log/tile/*', 'GET'],
  ['/v1/peers', 'GET, POST'],
  ['/v1/usage', 'GET, POST'],
  ['/v1/usage/report', 'GET'],
  ['/v1/usage/:id/manifest', 'GET'],
  ['/v1/usage/:id', 'GET'],
  ['/v1/labels/:number', 'GET'],
  ['/v1/businesses', 'GET'],
  ['/v1/snapshot', 'GET'],
  ['/v1/snapshot/filters/:sha256', 'GET'],
  ['/v1/snapshot/delta', 'GET'],
  ['/v1/snapshot/deltas/:sha256', 'GET'],
  ['/openapi.json', 'GET'],
  ['/docs', 'GET'],
  ['/healthz', 'GET'],
  ['/readyz', 'GET'],
  ['/metrics', 'GET'],
  ['/', 'GET'],
  ['/ui/app.js', 'GET'],
  ['/ui/app.css', 'GET'],
];

/**
 * The node's app. `ops` adds rate limits, access logs and process metrics (ops/ops.ts); without it
 * the app has metrics and health routes but no limits and no access log (tests, benchmarks).
 */
export function createApp(node: NodeContext, ops: OpsOptions = {}) {
  const publisher = createPublisher(node);
  const operations = createOps(node, ops);
  const app = new Hono()
    .use('*', operations.observe)
    .use('/v1/*', apiCors)
    .use('/.well-known/*', apiCors)
    .use('/openapi.json', apiCors)
    .route('/', operations.routes)
    .use('*', operations.limit)
    .use('/v1/*', crawlerIdentity(node))
    .use('/v1/decision', singleReceipt(node, operations.receiptGate))
    .use('/v1/decisions', batchReceipt(node, operations.receiptGate))
    .route('/', wellKnownRoutes(node, operations.publishedLimits))
    .route('/', partyRoutes(node, publisher))
    .route('/', attestationRoutes(node))
    .route('/', keyRoutes(node))
    .route('/', delegationRoutes(node))
    .route('/', recordRoutes(node, publisher))
    .route('/', revocationRoutes(node, publisher))
    .route('/', publicationRoutes(publisher))
    .route('/', workRoutes(node))
    .route('/', decisionRoutes(node))
    .route('/', generationRoutes(node))
    .route('/', interopRoutes(node))
    .route('/', logRoutes(node))
    .route('/', peerRoutes(node))
    .route('/', usageRoutes(node))
    .route('/', snapshotRoutes(node))
    .route('/', docsRoutes())
    .route('/', webRoutes());
  for (const [path, allow] of PATHS) app.all(path, methodNotAllowed(allow));
  app.onError(onError);
  app.notFound(notFound);
  return app;
}

export type AppType = ReturnType<typeof createApp>;
