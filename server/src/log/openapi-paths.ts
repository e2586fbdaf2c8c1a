/** The OpenAPI paths of the log (spec/log.md), merged into /openapi.json by http/openapi.ts. */
import { intParam, pathParam, problems } from '../http/openapi-parts.ts';

export function logPaths() {
  return {
    '/v1/log/checkpoint': {
      get: {
        summary: 'The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)',
        responses: { '200': { description: 'text/plain signed note', content: { 'text/plain': {} } } },
      },
    },
    '/v1/log/tile/{tile_path}': {
      get: {
        summary: 'C2SP tlog-tiles: hash tiles (<L>/<N>[.p/<W>]) and entry bundles (entries/<N>[.p/<W>])',
        parameters: [pathParam('tile_path', 'the tile path of c2sp.org/tlog-tiles')],
        responses: {
          '200': { description: 'tile bytes', content: { 'application/octet-stream': {} } },
          ...problems(404),
        },
      },
    },
    '/v1/log/proof/inclusion': {
      get: {
        summary: 'Inclusion proof of an entry in the tree of a signed size',
        parameters: [intParam('index'), intParam('size')],
        responses: { '200': { description: '{index, size, leaf_hash, proof}' }, ...problems(400) },
      },
    },
    '/v1/log/proof/consistency': {
      get: {
        summary: 'Consistency proof between two signed sizes',
        parameters: [intParam('from'), intParam('to')],
        responses: { '200': { description: '{from, to, proof}' }, ...problems(400) },
      },
    },
    '/v1/log/entries': {
      get: {
        summary: 'The entries feed: log entries after an index, in order (federation)',
        parameters: [
          { ...intParam('after'), required: false },
          { ...intParam('limit'), required: false },
        ],
        responses: { '200': { description: '{entries: [{index, jws}], next}' }, ...problems(400) },
      },
    },
  };
}
