/** The OpenAPI paths of the usage profile (spec/usage.md), merged into /openapi.json by http/openapi.ts. */
import { json, pathParam, problems, ref } from '../http/openapi-parts.ts';

const query = (name: string, description: string, required = false) => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type: 'string' },
});
const page = [query('limit', '1..1000, default 100'), query('cursor', 'next_cursor of the page before')];

export function usagePaths() {
  return {
    '/v1/usage': {
      post: {
        summary:
          'Usage profile: publish a usage declaration (application/jose), or one with its manifest (application/x-ndjson: the JWS line, then the manifest)',
        requestBody: {
          required: true,
          content: {
            'application/jose': { schema: { type: 'string' } },
            'application/x-ndjson': { schema: { type: 'string' } },
          },
        },
        responses: {
          '201': { description: 'Accepted and logged with its label', content: json('DeclarationView') },
          ...problems(400, 403, 409, 413, 415, 422),
        },
      },
      get: {
        summary:
          "Uses of a holder's works (holder) or of an identifier (id), or the declarations of a declarant",
        parameters: [
          query('holder', 'party id of the holder'),
          query('id', 'a work identifier'),
          query('declarant', 'party id of the declarant'),
          ...page,
        ],
        responses: {
          '200': {
            description: 'UsageUseList (holder, id) or DeclarationList (declarant)',
            content: {
              'application/json': { schema: { oneOf: [ref('UsageUseList'), ref('DeclarationList')] } },
            },
          },
          ...problems(400),
        },
      },
    },
    '/v1/usage/report': {
      get: {
        summary: "The holder's usage report with the compensation due, signed by the node",
        parameters: [query('holder', 'party id of the holder', true)],
        responses: {
          '200': { description: 'The report', content: json('UsageReportResponse') },
          ...problems(400),
        },
      },
    },
    '/v1/usage/{id}': {
      get: {
        summary: 'A usage declaration with its label number',
        parameters: [pathParam('id', 'object id')],
        responses: {
          '200': { description: 'The declaration', content: json('DeclarationView') },
          ...problems(404),
        },
      },
    },
    '/v1/usage/{id}/manifest': {
      get: {
        summary: "A declaration's manifest as received",
        parameters: [pathParam('id', 'object id of the declaration')],
        responses: { '200': { description: 'application/x-ndjson' }, ...problems(404) },
      },
    },
    '/v1/labels/{number}': {
      get: {
        summary: 'A label by its certificate number, with its status (JSON; a page with Accept: text/html)',
        parameters: [pathParam('number', "the certificate number (the label's log index)")],
        responses: { '200': { description: 'The label', content: json('LabelView') }, ...problems(404) },
      },
    },
    '/v1/businesses': {
      get: {
        summary: 'The AI developers and services registered and attested at this node',
        parameters: page,
        responses: { '200': { description: 'The list', content: json('BusinessList') }, ...problems(400) },
      },
    },
  };
}
