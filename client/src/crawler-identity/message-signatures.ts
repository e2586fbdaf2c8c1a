/**
 * Ed25519 HTTP Message Signatures (RFC 9421 §3, §4): the `Signature-Input` and `Signature` fields
 * as RFC 8941 dictionaries, signing a message and verifying one signature of it with WebCrypto.
 */
import {
  type BareItem,
  type InnerList,
  type Item,
  type Parameters,
  parseDictionary,
  serializeDictionary,
} from 'structured-headers';
import { KyodakuError } from '../errors.ts';
import { type SignedMessage, signatureBase } from './signature-base.ts';

/** Most characters of a `Signature-Input`, `Signature` or `Signature-Agent` field a verifier reads. */
export const MAX_SIGNATURE_FIELD_CHARS = 4096;

/** The parameters of one signature (RFC 9421 §2.3) that the profiles here use. */
export interface SignatureParams {
  created: number;
  expires: number;
  keyid: string;
  tag: string;
  nonce?: string;
}

/** One signature of a message: its label, inner list (components and parameters) and bytes. */
export interface MessageSignature {
  label: string;
  input: InnerList;
  params: SignatureParams;
  signature: Uint8Array;
}

function invalid(message: string): never {
  throw new KyodakuError('ERR_CRAWLER_SIGNATURE', message);
}

function dictionaryOf(name: string, value: string) {
  if (value.length > MAX_SIGNATURE_FIELD_CHARS)
    invalid(`${name} is over ${MAX_SIGNATURE_FIELD_CHARS} characters`);
  try {
    return parseDictionary(value);
  } catch {
    return invalid(`${name} is not a structured dictionary (RFC 8941)`);
  }
}

function integerParam(params: Parameters, name: string): number {
  const value = params.get(name);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    invalid(`the signature needs ${name} as a non-negative integer`);
  }
  return value;
}

function stringParam(params: Parameters, name: string): string | undefined {
  const value: BareItem | undefined = params.get(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') invalid(`the signature's ${name} must be a string`);
  return value;
}

/** The parameters of a signature, checked: `created`, `expires`, `keyid`, `tag`, `alg` ed25519 if given. */
function paramsOf(params: Parameters): SignatureParams {
  const alg = params.get('alg');
  if (alg !== undefined && alg !== 'ed25519') invalid('the signature algorithm must be ed25519');
  const keyid = stringParam(params, 'keyid');
  if (keyid === undefined) invalid('the signature needs a keyid');
  const tag = stringParam(params, 'tag');
  if (tag === undefined) invalid('the signature needs a tag');
  const nonce = stringParam(params, 'nonce');
  return {
    created: integerParam(params, 'created'),
    expires: integerParam(params, 'expires'),
    keyid,
    tag,
    ...(nonce !== undefined && { nonce }),
  };
}

/**
 * The signatures of a message whose parameters carry `tag` (RFC 9421 §2.3: a tag says which
 * profile a signature follows; others are not read). Throws ERR_CRAWLER_SIGNATURE for fields that
 * are missing, malformed, over MAX_SIGNATURE_FIELD_CHARS, or a tagged signature without its bytes.
 */
export function taggedSignatures(
  headers: { get(name: string): string | null },
  tag: string,
): MessageSignature[] {
  const inputField = headers.get('signature-input');
  const signatureField = headers.get('signature');
  if (inputField === null || signatureField === null) invalid('Signature-Input and Signature come together');
  const inputs = dictionaryOf('Signature-Input', inputField);
  const signatures = dictionaryOf('Signature', signatureField);
  const found: MessageSignature[] = [];
  for (const [label, input] of inputs) {
    if (!Array.isArray(input[0])) invalid(`Signature-Input ${label} is not an inner list`);
    const list = input as InnerList;
    if (list[1].get('tag') !== tag) continue;
    const sig = signatures.get(label);
    if (sig === undefined || !(sig[0] instanceof ArrayBuffer))
      invalid(`Signature ${label} is not a byte sequence`);
    const bytes = new Uint8Array(sig[0]);
    if (bytes.length !== 64) invalid(`Signature ${label} is not 64 bytes (Ed25519)`);
    found.push({ label, input: list, params: paramsOf(list[1]), signature: bytes });
  }
  return found;
}

/** Whether `signature` verifies over the message's signature base under an Ed25519 key. */
export async function verifyMessageSignature(
  message: SignedMessage,
  signature: MessageSignature,
  key: CryptoKey,
): Promise<boolean> {
  const base = new TextEncoder().encode(signatureBase(message, signature.input));
  return crypto.subtle.verify('Ed25519', key, signature.signature as Uint8Array<ArrayBuffer>, base);
}

export interface SignOptions {
  label: string;
  /** Covered components: names (fields lowercase) or `[name, parameters]`. */
  components: Array<string | [string, Parameters]>;
  params: SignatureParams;
  privateKey: CryptoKey;
}

/** Signs a message: the `Signature-Input` and `Signature` field values of one signature. */
export async function signMessage(
  message: SignedMessage,
  options: SignOptions,
): Promise<{ signatureInput: string; signature: string }> {
  const { created, expires, keyid, tag, nonce } = options.params;
  const params: Parameters = new Map<string, BareItem>([
    ['created', created],
    ['keyid', keyid],
    ['alg', 'ed25519'],
    ['expires', expires],
    ...(nonce === undefined ? [] : ([['nonce', nonce]] as Array<[string, BareItem]>)),
    ['tag', tag],
  ]);
  const input: InnerList = [
    options.components.map((c) => (typeof c === 'string' ? [c, new Map()] : c)) as Item[],
    params,
  ];
  const base = new TextEncoder().encode(signatureBase(message, input));
  const bytes = new Uint8Array(await crypto.subtle.sign('Ed25519', options.privateKey, base));
  return {
    signatureInput: serializeDictionary(new Map([[options.label, input]])),
    signature: serializeDictionary(new Map([[options.label, [bytes, new Map()] as Item]])),
  };
}
