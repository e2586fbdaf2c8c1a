/**
 * Prometheus metrics at `GET /metrics` (docs/operations.md lists them): requests by route and
 * status, their latency, the log's size and checkpoint, objects accepted by kind, decisions,
 * receipts, rate-limit refusals and the followed peers' lag. Counters are kept per app; gauges are
 * read from the node when scraped, so the hot path only increments.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { NodeContext } from '../node-context.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The kind of object a one-object publishing route accepts with 201. */
const KIND_OF_ROUTE: Readonly<Record<string, string>> = {
  '/v1/parties': 'party',
  '/v1/records': 'record',
  '/v1/revocations': 'revocation',
  '/v1/attestations': 'attestation',
  '/v1/attestations/revocations': 'attestation-revocation',
  '/v1/key-changes': 'key-change',
  '/v1/key-compromises': 'key-compromise',
  '/v1/delegations': 'delegation',
  '/v1/delegation-revocations': 'delegation-revocation',
};

export class OpsMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #duration: Histogram<'method' | 'route'>;
  readonly #accepted: Counter<'kind'>;
  readonly #decisions: Counter<'endpoint'>;
  readonly #receipts: Counter<'result'>;
  readonly #rateLimited: Counter<'limit'>;

  constructor(node: NodeContext, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    this.#requests = new Counter({
      name: 'kyodaku_http_requests_total',
      help: 'HTTP requests answered, by method, route (the path pattern) and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'kyodaku_http_request_duration_seconds',
      help: 'Time from the request to its response, by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#accepted = new Counter({
      name: 'kyodaku_objects_accepted_total',
      help: 'Objects accepted by publishing requests (one-object endpoints and bulk), by kind',
      labelNames: ['kind'],
      registers,
    });
    this.#decisions = new Counter({
      name: 'kyodaku_decision_requests_total',
      help: 'Decision queries answered with 200, by endpoint (single: GET /v1/decision; batch: POST /v1/decisions)',
      labelNames: ['endpoint'],
      registers,
    });
    this.#receipts = new Counter({
      name: 'kyodaku_receipt_requests_total',
      help: 'Requests for a receipt, by result (admitted: signed and appended; rate-limited: refused with 429)',
      labelNames: ['result'],
      registers,
    });
    this.#rateLimited = new Counter({
      name: 'kyodaku_rate_limited_total',
      help: 'Requests refused with 429, by the limit they were over (requests or receipts)',
      labelNames: ['limit'],
      registers,
    });
    const checkpoints = node.log.checkpoints;
    new Gauge({
      name: 'kyodaku_log_entries',
      help: "Entries in the node's log",
      registers,
      collect() {
        this.set(node.objects.size);
      },
    });
    new Gauge({
      name: 'kyodaku_log_checkpoint_size',
      help: 'Size of the latest signed checkpoint',
      registers,
      collect() {
        this.set(checkpoints.latest?.size ?? 0);
      },
    });
    new Gauge({
      name: 'kyodaku_log_checkpoint_age_seconds',
      help: 'Seconds since the latest checkpoint was signed (the node signs only after appends)',
      registers,
      collect() {
        const signedAt = checkpoints.status().signedAt;
        this.set(signedAt === undefined ? 0 : Math.max(0, (node.now() - signedAt) / 1000));
      },
    });
    new Gauge({
      name: 'kyodaku_log_unsigned_seconds',
      help: 'Seconds the oldest entry not covered by a signed checkpoint has waited (0: all signed)',
      registers,
      collect() {
        const since = checkpoints.status().unsignedSince;
        this.set(since === undefined ? 0 : Math.max(0, (node.now() - since) / 1000));
      },
    });
    new Gauge({
      name: 'kyodaku_log_signing_failing',
      help: '1 when the last attempt to sign a checkpoint failed',
      registers,
      collect() {
        this.set(checkpoints.status().lastError === undefined ? 0 : 1);
      },
    });
    new Gauge({
      name: 'kyodaku_records_indexed',
      help: 'Records in the in-memory decision index (own and followed)',
      registers,
      collect() {
        this.set(node.index.size);
      },
    });
    /** One gauge per followed peer's number, labelled by its origin. */
    const PEER_GAUGES: Array<[name: string, help: string, value: (p: PeerStatus) => number | null]> = [
      [
        'kyodaku_peer_lag_entries',
        "Entries of a followed peer's latest checkpoint not yet processed",
        (p) => p.lag,
      ],
      ['kyodaku_peer_objects', 'Objects verified and kept from a followed peer', (p) => p.objects],
      ['kyodaku_peer_refused', "Entries of a followed peer's log that the node refused", (p) => p.refused],
      [
        'kyodaku_peer_last_success_timestamp_seconds',
        'When a round with a followed peer last succeeded (Unix time)',
        (p) => (p.last_success_at === null ? null : Date.parse(p.last_success_at) / 1000),
      ],
    ];
    for (const [name, help, value] of PEER_GAUGES) {
      new Gauge({
        name,
        help,
        labelNames: ['origin'],
        registers,
        collect() {
          this.reset();
          for (const p of node.federation?.statuses() ?? []) {
            const v = value(p);
            if (v !== null) this.set({ origin: p.origin }, v);
          }
        },
      });
    }
    new Gauge({
      name: 'kyodaku_peer_state',
      help: 'The state of a followed peer (1 for its current state)',
      labelNames: ['origin', 'state'],
      registers,
      collect() {
        this.reset();
        for (const p of node.federation?.statuses() ?? []) this.set({ origin: p.origin, state: p.state }, 1);
      },
    });
  }

  /** One answered request. */
  request(method: string, route: string, status: number, seconds: number): void {
    const m = METHODS.has(method) ? method : 'OTHER';
    this.#requests.inc({ method: m, route, status: String(status) });
    this.#duration.observe({ method: m, route }, seconds);
    if (route === '/v1/decision' && status === 200) this.#decisions.inc({ endpoint: 'single' });
    else if (route === '/v1/decisions' && status === 200) this.#decisions.inc({ endpoint: 'batch' });
    else if (status === 201 && method === 'POST') {
      const kind = KIND_OF_ROUTE[route];
      if (kind !== undefined) this.#accepted.inc({ kind });
    }
  }

  /** The results of a bulk publication (POST /v1/publications answered 200). */
  publications(results: ReadonlyArray<{ status?: unknown; kind?: unknown }>): void {
    for (const r of results) {
      if (r.status === 201 && typeof r.kind === 'string') this.#accepted.inc({ kind: r.kind });
    }
  }

  receipt(result: 'admitted' | 'rate-limited'): void {
    this.#receipts.inc({ result });
  }

  rateLimited(limit: 'requests' | 'receipts'): void {
    this.#rateLimited.inc({ limit });
  }
}

type PeerStatus = ReturnType<NonNullable<NodeContext['federation']>['statuses']>[number];
