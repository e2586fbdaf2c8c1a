/** The OpenAPI paths of the snapshot profile (spec/snapshot.md), merged into /openapi.json by http/openapi.ts. */
import { json, pathParam, problems } from '../http/openapi-parts.ts';

export function snapshotPaths() {
  return {
    '/v1/snapshot': {
      get: {
        summary:
          'Snapshot profile: the signed snapshot manifest (per purpose group, a binary fuse filter of the identifiers records allow) and the checkpoint it is bound to',
        responses: { '200': { description: 'manifest and checkpoint', content: json('SnapshotResponse') } },
      },
    },
    '/v1/snapshot/filters/{sha256}': {
      get: {
        summary: 'A filter file of the current or previous snapshot, by its SHA-256 (immutable)',
        parameters: [pathParam('sha256', 'lowercase hex SHA-256 of the filter file')],
        responses: {
          '200': {
            description: 'filter file (spec/snapshot.md §4.1)',
            content: { 'application/vnd.kyodaku.snapshot-filter': {} },
          },
          ...problems(404),
        },
      },
    },
    '/v1/snapshot/delta': {
      get: {
        summary:
          'A signed delta from a snapshot the client holds (by id: the SHA-256 of its manifest JWS) to the current one, with the current manifest and checkpoint; 404 when the node keeps no delta from it',
        parameters: [
          {
            name: 'from',
            in: 'query',
            required: true,
            description: 'snapshot id: 64 lowercase hex digits',
            schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          },
        ],
        responses: {
          '200': { description: 'delta, manifest and checkpoint', content: json('SnapshotDeltaResponse') },
          ...problems(400, 404),
        },
      },
    },
    '/v1/snapshot/deltas/{sha256}': {
      get: {
        summary: 'A delta file of a delta to the current or previous snapshot, by its SHA-256 (immutable)',
        parameters: [pathParam('sha256', 'lowercase hex SHA-256 of the delta file')],
        responses: {
          '200': {
            description: 'delta file (spec/snapshot.md §7.2)',
            content: { 'application/vnd.kyodaku.snapshot-delta': {} },
          },
          ...problems(404),
        },
      },
    },
  };
}
