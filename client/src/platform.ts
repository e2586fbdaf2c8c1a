/**
 * Hashes and byte encodings on Node (node:crypto, Buffer): the library's one door to them. The web
 * page's build (web/build.ts) puts `platform.browser.ts`, with the same exports, in its place.
 */
import { hash } from 'node:crypto';

/** SHA-256 of the concatenated parts. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const digest = hash('sha256', parts.length === 1 ? parts[0]! : Buffer.concat(parts), 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

export function sha512(message: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(hash('sha512', message, 'buffer'));
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export function sha256HexOfText(text: string): string {
  return hash('sha256', text, 'hex');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Standard padded base64 (RFC 4648 §4). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Standard base64, decoded leniently: callers compare `toBase64` of the result to refuse non-canonical text. */
export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** The bytes of a string of code units below 256 (a compact JWS is ASCII). */
export function latin1Bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
