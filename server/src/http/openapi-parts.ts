/** Building blocks of the node's OpenAPI paths, shared by http/openapi.ts and each capability's paths. */
import { schemas } from '@kyodaku/client';

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
export const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/Problem` }]));
export const jose = (kind: string) => ({
  required: true,
  description: `A compact JWS (${kind}), at most ${schemas.LIMITS.maxJwsBytes} bytes.`,
  content: {
    'application/jose': {
      schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' },
    },
  },
});
export const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

export const intParam = (name: string) => ({
  name,
  in: 'query',
  required: true,
  schema: { type: 'integer', minimum: 0 },
});

export function publish(summary: string, kind: string, view: string, extra: number[] = []) {
  return {
    post: {
      summary,
      requestBody: jose(kind),
      responses: {
        '201': { description: `Accepted; Location names the object.`, content: json(view) },
        ...problems(400, 409, 413, 415, ...extra),
      },
    },
  };
}
