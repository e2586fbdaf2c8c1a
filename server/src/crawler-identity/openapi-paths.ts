/**
 * The crawler-identity profile in /openapi.json (spec/crawler-identity.md): the optional signature
 * request fields and the 401 problems on every query path, added by http/openapi.ts.
 */
type Json = Record<string, unknown>;

const header = (name: string, description: string) => ({
  name,
  in: 'header',
  required: false,
  description,
  schema: { type: 'string', maxLength: 4096 },
});

const SIGNATURE_FIELDS = [
  header(
    'Signature-Input',
    'Optional crawler identity (RFC 9421, Web Bot Auth): one signature with tag="web-bot-auth", Ed25519, created, expires, keyid (RFC 7638 thumbprint), covering "@authority" and signature-agent when sent',
  ),
  header('Signature', 'The 64-byte Ed25519 signature of Signature-Input (RFC 9421 §4.2)'),
  header(
    'Signature-Agent',
    'The https origin (or loopback http) of the crawler key directory, /.well-known/http-message-signatures-directory; without it the key must be a registered ai-developer party',
  ),
];

const PATHS: Array<[string, string]> = [
  ['/v1/decision', 'get'],
  ['/v1/decisions', 'post'],
  ['/v1/prompt-checks', 'post'],
  ['/v1/snapshot', 'get'],
  ['/v1/snapshot/filters/{sha256}', 'get'],
];

/** `paths` with the signature fields and the 401 answer on the query paths that exist in it. */
export function withCrawlerSignatures(paths: Record<string, Json>): Record<string, Json> {
  for (const [path, method] of PATHS) {
    const operation = paths[path]?.[method] as
      | { parameters?: unknown[]; responses?: Record<string, unknown> }
      | undefined;
    if (operation === undefined) continue;
    operation.parameters = [...(operation.parameters ?? []), ...SIGNATURE_FIELDS];
    operation.responses = {
      ...operation.responses,
      '401': {
        $ref: '#/components/responses/Problem',
      },
    };
  }
  return paths;
}
