/**
 * Log checkpoints (spec/log.md): the C2SP tlog-checkpoint body (https://c2sp.org/tlog-checkpoint)
 * in a C2SP signed note (https://c2sp.org/signed-note) with an Ed25519 signature, and the verifier
 * key strings (`name+keyid+base64(0x01||key)`) that name a log's key.
 */
import * as ed from '@noble/ed25519';
import { fromBase64, sha256, sha512, toBase64, toHex, utf8Length } from '../platform.ts';
import { HASH_SIZE } from './merkle.ts';

// The synchronous API of @noble/ed25519 needs a SHA-512 implementation.
ed.hashes.sha512 ??= sha512;

export type LogErrorCode =
  | 'ERR_NOTE_MALFORMED'
  | 'ERR_NOTE_UNVERIFIED'
  | 'ERR_NOTE_SIGNATURE'
  | 'ERR_CHECKPOINT_MALFORMED'
  | 'ERR_CHECKPOINT_ORIGIN'
  | 'ERR_VKEY_MALFORMED'
  /** A proof that does not verify against the checkpoint it is checked with. */
  | 'ERR_PROOF_INVALID'
  /** Two signed checkpoints of one origin that are not consistent: the log was rewritten. */
  | 'ERR_LOG_FORK'
  /** A checkpoint smaller than the one kept for its origin. */
  | 'ERR_LOG_ROLLBACK'
  /** A receipt whose nonce, query hash or refs are not the ones expected. */
  | 'ERR_RECEIPT_MISMATCH'
  /** A snapshot whose manifest, checkpoint or filter files do not agree, or that expired. */
  | 'ERR_SNAPSHOT_INVALID';

/** A note, checkpoint or verifier key that must not be trusted; `code` says why. */
export class LogVerificationError extends Error {
  readonly code: LogErrorCode;

  constructor(code: LogErrorCode, message: string) {
    super(message);
    this.name = 'LogVerificationError';
    this.code = code;
  }
}

export interface Checkpoint {
  /** The log's identity; equal to the name of the key that signs its checkpoints. */
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** Opaque extension lines after the root hash, usually none. */
  extensions: string[];
}

export interface NoteSigner {
  name: string;
  /** The 32-byte Ed25519 seed (RFC 8032 secret key). */
  privateKey: Uint8Array;
}

export interface NoteVerifier {
  name: string;
  /** The 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
}

/** The largest note a verifier reads, in UTF-8 bytes. */
export const MAX_NOTE_BYTES = 1024 * 1024;
/** The most signature lines a verifier reads in one note (C2SP requires at least 16). */
export const MAX_NOTE_SIGNATURES = 100;

const ED25519_SIGNATURE_TYPE = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';
// biome-ignore lint/suspicious/noControlCharactersInRegex: signed notes forbid exactly these characters
const CONTROL_CHARACTER = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /\p{Cs}/u;
const SPACE_OR_PLUS = /[\p{White_Space}+]/u;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** Standard base64 (RFC 4648 §4, padded); undefined unless `text` is its one canonical encoding. */
function decodeBase64(text: string): Uint8Array | undefined {
  const bytes = fromBase64(text);
  return text.length > 0 && toBase64(bytes) === text ? bytes : undefined;
}

const encodeBase64 = toBase64;

/** A non-empty line of well-formed text without control characters. */
function isLine(text: string): boolean {
  return (
    text.length > 0 && !text.includes('\n') && !CONTROL_CHARACTER.test(text) && !LONE_SURROGATE.test(text)
  );
}

function isKeyName(name: string): boolean {
  return isLine(name) && !SPACE_OR_PLUS.test(name);
}

/** The signed-note key ID: SHA-256(name || 0x0A || 0x01 || public key)[:4]. */
export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(
    new TextEncoder().encode(`${name}\n`),
    Uint8Array.of(ED25519_SIGNATURE_TYPE),
    publicKey,
  ).slice(0, 4);
}

function assertKey(name: string, key: Uint8Array, what: string): void {
  if (typeof name !== 'string' || !isKeyName(name)) {
    throw new TypeError('a key name is non-empty and has no spaces, plus signs or control characters');
  }
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new RangeError(`${what} must be 32 bytes`);
}

/** The verifier key string `name+hex(key ID)+base64(0x01 || public key)`. */
export function verifierKeyString(name: string, publicKey: Uint8Array): string {
  assertKey(name, publicKey, 'publicKey');
  const keyId = toHex(noteKeyId(name, publicKey));
  return `${name}+${keyId}+${encodeBase64(Uint8Array.of(ED25519_SIGNATURE_TYPE, ...publicKey))}`;
}

/**
 * Parses a verifier key string. Refuses another signature type, a key ID that does not match, and a
 * public key that is not a canonical encoding of a point outside the small-order subgroup.
 */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const malformed = (why: string) => new LogVerificationError('ERR_VKEY_MALFORMED', `verifier key: ${why}`);
  if (typeof vkey !== 'string') throw malformed('not a string');
  // The key data is base64 and may itself contain plus signs; the name and the key ID do not.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw malformed('expected name+keyid+key');
  const name = vkey.slice(0, first);
  if (!isKeyName(name)) throw malformed('invalid key name');
  const data = decodeBase64(vkey.slice(second + 1));
  if (data?.length !== 33 || data[0] !== ED25519_SIGNATURE_TYPE) throw malformed('not an Ed25519 key');
  const publicKey = data.slice(1);
  if (vkey.slice(first + 1, second) !== toHex(noteKeyId(name, publicKey))) {
    throw malformed('key ID mismatch');
  }
  let point: ed.Point;
  try {
    point = ed.Point.fromBytes(publicKey, false);
  } catch {
    throw malformed('not a canonical point encoding');
  }
  if (point.isSmallOrder()) throw malformed('small-order key');
  return { name, publicKey };
}

/** The checkpoint note body: origin, decimal size and base64 root hash lines, then any extensions. */
export function formatCheckpointBody(checkpoint: {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  extensions?: readonly string[];
}): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (!isLine(origin)) throw new TypeError('origin must be one non-empty line without control characters');
  if (!Number.isSafeInteger(size) || size < 0)
    throw new RangeError('size must be a safe non-negative integer');
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== HASH_SIZE) {
    throw new RangeError('rootHash must be 32 bytes');
  }
  if (!extensions.every(isLine))
    throw new TypeError('extension lines must be non-empty, without control characters');
  return [origin, String(size), encodeBase64(rootHash), ...extensions].map((line) => `${line}\n`).join('');
}

/** Parses a checkpoint body (the note text, ending in a newline). */
function parseCheckpointBody(text: string): Checkpoint {
  const malformed = (why: string) =>
    new LogVerificationError('ERR_CHECKPOINT_MALFORMED', `checkpoint: ${why}`);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw malformed('fewer than three lines');
  if (lines.some((line) => line.length === 0)) throw malformed('empty line');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!DECIMAL.test(sizeText)) throw malformed('size is not a canonical decimal number');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw malformed('size is 2^53 or more');
  const rootHash = decodeBase64(rootText);
  if (rootHash?.length !== HASH_SIZE) throw malformed('root hash is not 32 bytes in canonical base64');
  return { origin, size, rootHash, extensions };
}

/**
 * Signs a checkpoint body as a signed note with the log's key, whose name must be the origin.
 * Returns the whole note: the body, a blank line and the signature line.
 */
export function signCheckpoint(body: string, signer: NoteSigner): string {
  assertKey(signer.name, signer.privateKey, 'privateKey');
  if (typeof body !== 'string' || !body.endsWith('\n')) throw new TypeError('body must end in a newline');
  const checkpoint = parseCheckpointBody(body);
  if (formatCheckpointBody(checkpoint) !== body) throw new TypeError('body must be a formatted checkpoint');
  if (checkpoint.origin !== signer.name) throw new TypeError('the key name must be the origin');
  const publicKey = ed.getPublicKey(signer.privateKey);
  const signature = ed.sign(new TextEncoder().encode(body), signer.privateKey);
  const keyIdAndSignature = Uint8Array.of(...noteKeyId(signer.name, publicKey), ...signature);
  return `${body}\n${SIGNATURE_PREFIX}${signer.name} ${encodeBase64(keyIdAndSignature)}\n`;
}

/** The note as text, refusing oversize notes, invalid UTF-8 and control characters other than newline. */
function noteText(note: string | Uint8Array): string {
  const malformed = (why: string) => new LogVerificationError('ERR_NOTE_MALFORMED', `note: ${why}`);
  let text: string;
  if (note instanceof Uint8Array) {
    if (note.length > MAX_NOTE_BYTES) throw malformed('larger than 1 MiB');
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
    } catch {
      throw malformed('not UTF-8');
    }
  } else if (typeof note === 'string') {
    if (LONE_SURROGATE.test(note)) throw malformed('not UTF-8');
    if (utf8Length(note) > MAX_NOTE_BYTES) throw malformed('larger than 1 MiB');
    text = note;
  } else {
    throw malformed('neither text nor bytes');
  }
  if (CONTROL_CHARACTER.test(text)) throw malformed('control character');
  return text;
}

/**
 * Opens a signed note with one key: returns the note text once a signature line of that key (same
 * name and key ID) verifies. Lines of other keys are ignored; a line of this key that fails is fatal.
 */
function openNote(note: string | Uint8Array, verifier: NoteVerifier): string {
  const malformed = (why: string) => new LogVerificationError('ERR_NOTE_MALFORMED', `note: ${why}`);
  const text = noteText(note);
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const body = text.slice(0, split + 1);
  const signatureBlock = text.slice(split + 2);
  if (!signatureBlock.endsWith('\n')) throw malformed('signatures must end in a newline');
  const lines = signatureBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed('too many signatures');
  const wantedKeyId = noteKeyId(verifier.name, verifier.publicKey);
  const message = new TextEncoder().encode(body);
  let verified = 0;
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('signature line without the em dash prefix');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const data = space < 0 ? undefined : decodeBase64(rest.slice(space + 1));
    if (!isKeyName(name) || data === undefined || data.length < 5) throw malformed('invalid signature line');
    if (name !== verifier.name || !data.subarray(0, 4).every((b, i) => b === wantedKeyId[i])) continue;
    const signature = data.subarray(4);
    if (signature.length !== 64 || !ed.verify(signature, message, verifier.publicKey, { zip215: false })) {
      throw new LogVerificationError('ERR_NOTE_SIGNATURE', `note: signature by ${name} does not verify`);
    }
    verified++;
  }
  if (verified === 0)
    throw new LogVerificationError('ERR_NOTE_UNVERIFIED', `note: not signed by ${verifier.name}`);
  return body;
}

/**
 * Verifies a signed checkpoint against the log's key and returns its content. Throws a
 * LogVerificationError when the note is malformed, lacks a valid signature of this key, is not a
 * checkpoint, or names an origin other than the key's name.
 */
export function verifyCheckpoint(note: string | Uint8Array, verifier: NoteVerifier): Checkpoint {
  assertKey(verifier.name, verifier.publicKey, 'publicKey');
  const checkpoint = parseCheckpointBody(openNote(note, verifier));
  if (checkpoint.origin !== verifier.name) {
    throw new LogVerificationError('ERR_CHECKPOINT_ORIGIN', `checkpoint: origin is not ${verifier.name}`);
  }
  return checkpoint;
}
