/**
 * Crawler identity (spec/crawler-identity.md): a query signed in the Web Bot Auth profile of HTTP
 * Message Signatures — Ed25519, `tag="web-bot-auth"`, `created` and `expires`, `keyid` the key's
 * RFC 7638 thumbprint, covering `@authority` and the `Signature-Agent` field when sent. Signing
 * (for crawlers) and verifying (for nodes) live here so both read the same rules.
 */
import { parseDictionary, parseItem } from 'structured-headers';
import { KyodakuError } from '../errors.ts';
import { importPublicKey, type PublicJwk, type Signer } from '../keys.ts';
import {
  MAX_SIGNATURE_FIELD_CHARS,
  type MessageSignature,
  signMessage,
  taggedSignatures,
  verifyMessageSignature,
} from './message-signatures.ts';
import { coveredIds, type SignedRequest } from './signature-base.ts';

export const WEB_BOT_AUTH_TAG = 'web-bot-auth';
/** The path of a crawler's key directory under its Signature-Agent origin. */
export const KEY_DIRECTORY_PATH = '/.well-known/http-message-signatures-directory';
/** A signature may be dated at most this far ahead of the verifier's clock, or be this late (REQ-CRAWLER-004). */
export const MAX_CLOCK_SKEW_SECONDS = 60;
/** Most seconds between `created` and `expires` (REQ-CRAWLER-004). */
export const MAX_SIGNATURE_LIFETIME_SECONDS = 3600;
/** The lifetime a crawler gives its signatures by default. */
export const DEFAULT_SIGNATURE_LIFETIME_SECONDS = 60;

/** Who asked: the verified key and, when the key came from a key directory, the agent's URL. */
export interface CrawlerIdentity {
  keyid: string;
  agent?: string;
}

function invalid(message: string): never {
  throw new KyodakuError('ERR_CRAWLER_SIGNATURE', message);
}

/**
 * The key directory a `Signature-Agent` value names: an `https` origin (or `http` on a loopback
 * host), as an RFC 8941 string or, in the later drafts' form, a dictionary member; the directory
 * is always at KEY_DIRECTORY_PATH of that origin (REQ-CRAWLER-006).
 */
export function keyDirectoryUrl(value: string, member?: string): string {
  if (value.length > MAX_SIGNATURE_FIELD_CHARS) invalid('Signature-Agent is too long');
  let url: unknown;
  try {
    url = member === undefined ? parseItem(value)[0] : parseDictionary(value).get(member)?.[0];
  } catch {
    return invalid('Signature-Agent is not a structured string or dictionary (RFC 8941)');
  }
  if (typeof url !== 'string') invalid('Signature-Agent must name a URL as a string');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return invalid('Signature-Agent is not an absolute URL');
  }
  const loopback = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/.test(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    invalid('Signature-Agent must be an https URL (or http on a loopback host)');
  }
  if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '') {
    invalid('Signature-Agent must not carry credentials, a query or a fragment');
  }
  if (parsed.pathname !== '/' && parsed.pathname !== KEY_DIRECTORY_PATH) {
    invalid(`Signature-Agent must be an origin or its ${KEY_DIRECTORY_PATH}`);
  }
  return `${parsed.origin}${KEY_DIRECTORY_PATH}`;
}

export interface CrawlerVerifyOptions {
  /** The verifier's clock, in milliseconds. */
  now: number;
  /**
   * The public key of `keyid`: from the key directory at `directory` when the request names one,
   * otherwise from the keys the verifier knows. Undefined when unknown.
   */
  resolveKey(keyid: string, directory: string | undefined): Promise<PublicJwk | undefined>;
}

/** The one Web Bot Auth signature of a request, its parameters and coverage checked (no crypto yet). */
function checkedSignature(request: SignedRequest, nowSeconds: number): MessageSignature {
  const found = taggedSignatures(request.headers, WEB_BOT_AUTH_TAG);
  if (found.length === 0) invalid(`no signature with tag="${WEB_BOT_AUTH_TAG}"`);
  if (found.length > 1) invalid(`more than one signature with tag="${WEB_BOT_AUTH_TAG}"`);
  const signature = found[0]!;
  const { created, expires, keyid } = signature.params;
  if (!/^[A-Za-z0-9_-]{43}$/.test(keyid))
    invalid('keyid must be an RFC 7638 thumbprint (43 base64url characters)');
  if (expires <= created) invalid('expires must be after created');
  if (expires - created > MAX_SIGNATURE_LIFETIME_SECONDS) {
    invalid(`a signature may live at most ${MAX_SIGNATURE_LIFETIME_SECONDS} s`);
  }
  if (created > nowSeconds + MAX_CLOCK_SKEW_SECONDS) invalid('the signature is created in the future');
  if (expires < nowSeconds - MAX_CLOCK_SKEW_SECONDS) invalid('the signature has expired');
  const covered = coveredIds(signature.input);
  if (!covered.includes('"@authority"')) invalid('the signature must cover @authority');
  return signature;
}

/** The dictionary member a signature covers as `"signature-agent";key="…"`, if any. */
function agentMember(signature: MessageSignature): string | undefined {
  for (const [name, params] of signature.input[0]) {
    if (name === 'signature-agent' && typeof params.get('key') === 'string')
      return params.get('key') as string;
  }
  return undefined;
}

/**
 * Verifies the crawler signature of a request (REQ-CRAWLER-002..007). Returns undefined for a
 * request without signature fields (identity is optional), the identity for a valid one, and
 * throws ERR_CRAWLER_SIGNATURE or ERR_CRAWLER_KEY otherwise.
 */
export async function verifyCrawlerRequest(
  request: SignedRequest,
  options: CrawlerVerifyOptions,
): Promise<CrawlerIdentity | undefined> {
  const h = request.headers;
  const agentField = h.get('signature-agent');
  if (h.get('signature-input') === null && h.get('signature') === null) {
    if (agentField !== null) invalid('Signature-Agent without a signature');
    return undefined;
  }
  const signature = checkedSignature(request, Math.floor(options.now / 1000));
  let directory: string | undefined;
  if (agentField !== null) {
    const member = agentMember(signature);
    const covered = coveredIds(signature.input);
    if (member === undefined && !covered.includes('"signature-agent"')) {
      invalid('the signature must cover the Signature-Agent field it came with');
    }
    directory = keyDirectoryUrl(agentField, member);
  }
  const jwk = await options.resolveKey(signature.params.keyid, directory);
  if (jwk === undefined) {
    throw new KyodakuError(
      'ERR_CRAWLER_KEY',
      directory === undefined
        ? `no registered ai-developer party has the key ${signature.params.keyid}`
        : `the key directory ${directory} has no key ${signature.params.keyid}`,
    );
  }
  let ok = false;
  try {
    ok = await verifyMessageSignature(request, signature, await importPublicKey(jwk));
  } catch (error) {
    if (error instanceof KyodakuError) throw error;
    invalid('the key cannot verify Ed25519 signatures');
  }
  if (!ok) invalid('the crawler signature does not verify');
  return { keyid: signature.params.keyid, ...(directory !== undefined && { agent: directory }) };
}

/** A crawler's signing key and, optionally, the origin of its key directory. */
export interface CrawlerSigner {
  signer: Signer;
  /** Sent as `Signature-Agent` (an RFC 8941 string) and covered by the signature. */
  agent?: string;
  /** Seconds from `created` to `expires` (default DEFAULT_SIGNATURE_LIFETIME_SECONDS). */
  lifetimeSeconds?: number;
}

/** The headers that sign a request as the crawler (REQ-CRAWLER-001). */
export async function crawlerSignatureHeaders(
  crawler: CrawlerSigner,
  request: { method: string; url: string },
  nowMs: number = Date.now(),
): Promise<Record<string, string>> {
  const created = Math.floor(nowMs / 1000);
  const agent = crawler.agent === undefined ? undefined : JSON.stringify(crawler.agent);
  const headers = new Headers(agent === undefined ? {} : { 'signature-agent': agent });
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  const { signatureInput, signature } = await signMessage(
    { ...request, headers },
    {
      label: 'sig1',
      components: agent === undefined ? ['@authority'] : ['@authority', 'signature-agent'],
      params: {
        created,
        expires: created + (crawler.lifetimeSeconds ?? DEFAULT_SIGNATURE_LIFETIME_SECONDS),
        keyid: crawler.signer.kid,
        nonce,
        tag: WEB_BOT_AUTH_TAG,
      },
      privateKey: crawler.signer.privateKey,
    },
  );
  return {
    ...(agent !== undefined && { 'signature-agent': agent }),
    'signature-input': signatureInput,
    signature,
  };
}

/** A fetch that signs every request it sends as the crawler (the SDK's `crawler` option). */
export function signingFetch(crawler: CrawlerSigner, inner: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const headers = await crawlerSignatureHeaders(crawler, { method: request.method, url: request.url });
    for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
    return inner(request);
  };
}
