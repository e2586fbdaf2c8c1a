/**
 * Hashes and byte encodings in a browser: @noble/hashes and plain Uint8Array code, the same exports as
 * platform.ts (which uses node:crypto and Buffer). web/build.ts substitutes this file for it.
 */
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';

export function sha256(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return nobleSha256(parts[0]!);
  const h = nobleSha256.create();
  for (const part of parts) h.update(part);
  return h.digest();
}

export function sha512(message: Uint8Array): Uint8Array<ArrayBuffer> {
  return nobleSha512(message);
}

export function sha256HexOfText(text: string): string {
  return toHex(nobleSha256(new TextEncoder().encode(text)));
}

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Standard base64; text atob refuses decodes to no bytes, which the callers' canonical check refuses. */
export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return new Uint8Array(0);
  }
  return latin1Bytes(binary);
}

export function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
