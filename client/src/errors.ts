/**
 * Errors with a closed list of stable codes. Every failure the protocol library reports is a
 * KyodakuError; every code maps to exactly one RFC 9457 problem type shared with the server.
 */
export const PROBLEM_TYPE_PREFIX = 'urn:kyodaku:problem:';

/** code -> [problem slug, HTTP status a node answers with] */
export const ERROR_CODES = {
  ERR_JWS_INVALID: ['malformed-jws', 400],
  ERR_JWS_ALG: ['unsupported-algorithm', 400],
  ERR_JWS_HEADER: ['forbidden-header', 400],
  ERR_JWS_TYP: ['type-mismatch', 400],
  ERR_JWS_KID: ['unknown-key', 400],
  ERR_SIGNATURE: ['invalid-signature', 400],
  ERR_PAYLOAD_UTF8: ['invalid-utf8', 400],
  ERR_PAYLOAD_JSON: ['malformed-json', 400],
  ERR_PAYLOAD_NONCANONICAL: ['non-canonical-json', 400],
  ERR_JSON_TOO_COMPLEX: ['json-too-complex', 400],
  ERR_SCHEMA: ['schema-violation', 400],
  ERR_KEY_INVALID: ['invalid-key', 400],
  ERR_INVALID_IDENTIFIER: ['invalid-identifier', 400],
  ERR_UNKNOWN_PURPOSE: ['unknown-purpose', 400],
  ERR_INVALID_REQUEST: ['invalid-request', 400],
  ERR_UNATTESTED: ['unattested-key', 403],
  ERR_FORBIDDEN: ['forbidden', 403],
  ERR_UNAUTHORIZED: ['unauthorized', 401],
  ERR_CRAWLER_SIGNATURE: ['invalid-crawler-signature', 401],
  ERR_CRAWLER_KEY: ['unknown-crawler-key', 401],
  ERR_NOT_FOUND: ['not-found', 404],
  ERR_METHOD: ['method-not-allowed', 405],
  ERR_CONFLICT: ['conflict', 409],
  ERR_CITATION: ['invalid-citation', 422],
  ERR_DUPLICATE: ['duplicate-object', 409],
  ERR_REQUEST_TIMEOUT: ['request-timeout', 408],
  ERR_UNSUPPORTED_MEDIA_TYPE: ['unsupported-media-type', 415],
  ERR_TOO_LARGE: ['payload-too-large', 413],
  ERR_BATCH_TOO_LARGE: ['batch-too-large', 413],
  ERR_RATE_LIMITED: ['rate-limited', 429],
  ERR_INTERNAL: ['internal-error', 500],
  ERR_UNAVAILABLE: ['unavailable', 503],
  ERR_STORAGE: ['storage-unavailable', 503],
  ERR_NETWORK: ['network-error', 502],
} as const satisfies Record<string, readonly [string, number]>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class KyodakuError extends Error {
  readonly code: ErrorCode;
  readonly detail?: unknown;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; detail?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KyodakuError';
    this.code = code;
    this.detail = options?.detail;
  }

  get problemType(): string {
    return problemTypeOf(this.code);
  }

  get status(): number {
    return ERROR_CODES[this.code][1];
  }
}

export function problemTypeOf(code: ErrorCode): string {
  return PROBLEM_TYPE_PREFIX + ERROR_CODES[code][0];
}

const CODE_BY_PROBLEM_TYPE = new Map<string, ErrorCode>(
  (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => [problemTypeOf(code), code]),
);

/** The stable code for a problem `type` URI, or undefined when the type is not one of ours. */
export function codeOfProblemType(type: string): ErrorCode | undefined {
  return CODE_BY_PROBLEM_TYPE.get(type);
}

const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'ERR_INVALID_REQUEST',
  401: 'ERR_UNAUTHORIZED',
  403: 'ERR_FORBIDDEN',
  404: 'ERR_NOT_FOUND',
  405: 'ERR_METHOD',
  408: 'ERR_REQUEST_TIMEOUT',
  409: 'ERR_CONFLICT',
  413: 'ERR_TOO_LARGE',
  415: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  429: 'ERR_RATE_LIMITED',
  502: 'ERR_NETWORK',
  503: 'ERR_UNAVAILABLE',
  504: 'ERR_NETWORK',
};

/** The closest stable code for an HTTP status, when no problem type says more. */
export function codeOfStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'ERR_INTERNAL' : 'ERR_INVALID_REQUEST');
}
