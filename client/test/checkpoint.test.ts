/**
 * Signed checkpoints (C2SP tlog-checkpoint in a C2SP signed note): round trips, hostile notes and
 * verifier keys, made with the fixed test keys (helpers/checkpoint-notes.ts);
 * spec/vectors/checkpoints.json is built and checked in checkpoint-vectors.test.ts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  formatCheckpointBody,
  LogVerificationError,
  MAX_NOTE_BYTES,
  noteKeyId,
  parseVerifierKey,
  signCheckpoint,
  verifyCheckpoint,
} from '../src/log/checkpoint.ts';
import { EMPTY_ROOT } from '../src/log/merkle.ts';
import {
  BODY,
  b64,
  errorOf,
  MALLORY,
  NODE,
  NOTE,
  nodeLine,
  ORIGIN,
  ROOT8,
  SIGNER,
  signatureLine,
  signText,
  VERIFIER,
  VKEY,
} from './helpers/checkpoint-notes.ts';

describe('signing and verifying', () => {
  it('round-trips a checkpoint', () => {
    expect(verifyCheckpoint(NOTE, VERIFIER)).toEqual({
      origin: ORIGIN,
      size: 8,
      rootHash: ROOT8,
      extensions: [],
    });
    expect(verifyCheckpoint(new TextEncoder().encode(NOTE), VERIFIER).size).toBe(8);
  });

  it('formats the body and the signature line as C2SP specifies', () => {
    expect(BODY).toBe(`${ORIGIN}\n8\n${b64(ROOT8)}\n`);
    expect(NOTE).toBe(signText(BODY, nodeLine(BODY)));
  });

  it('computes the key ID as SHA-256(name || 0x0A || 0x01 || key)[:4]', () => {
    const want = createHash('sha256')
      .update(`${ORIGIN}\n\x01`)
      .update(NODE.publicKey)
      .digest()
      .subarray(0, 4);
    expect(Buffer.from(noteKeyId(ORIGIN, NODE.publicKey)).equals(want)).toBe(true);
  });

  it('signs the empty tree and extension lines', () => {
    const body = formatCheckpointBody({
      origin: ORIGIN,
      size: 0,
      rootHash: EMPTY_ROOT,
      extensions: ['ext 1'],
    });
    expect(verifyCheckpoint(signCheckpoint(body, SIGNER), VERIFIER)).toEqual({
      origin: ORIGIN,
      size: 0,
      rootHash: EMPTY_ROOT,
      extensions: ['ext 1'],
    });
  });

  it('refuses to format or sign anything but a checkpoint of its own origin', () => {
    expect(() => formatCheckpointBody({ origin: 'a\nb', size: 1, rootHash: ROOT8 })).toThrow(TypeError);
    expect(() => formatCheckpointBody({ origin: ORIGIN, size: -1, rootHash: ROOT8 })).toThrow(RangeError);
    expect(() => formatCheckpointBody({ origin: ORIGIN, size: 2 ** 53, rootHash: ROOT8 })).toThrow(
      RangeError,
    );
    expect(() => formatCheckpointBody({ origin: ORIGIN, size: 1, rootHash: ROOT8.slice(1) })).toThrow(
      RangeError,
    );
    expect(() =>
      formatCheckpointBody({ origin: ORIGIN, size: 1, rootHash: ROOT8, extensions: [''] }),
    ).toThrow(TypeError);
    expect(() => signCheckpoint(BODY, { name: 'other.example/log', privateKey: NODE.seed })).toThrow(
      TypeError,
    );
    expect(() => signCheckpoint(BODY.replace('\n8\n', '\n08\n'), SIGNER)).toThrow(LogVerificationError);
    expect(() => signCheckpoint(BODY.slice(0, -1), SIGNER)).toThrow(TypeError);
    expect(() => signCheckpoint(`${BODY}\n`, SIGNER)).toThrow(LogVerificationError);
    expect(() => signCheckpoint(BODY, { name: ORIGIN, privateKey: NODE.seed.slice(1) })).toThrow(RangeError);
  });
});

describe('hostile notes beyond the vectors', () => {
  it('refuses a note over 1 MiB, as text and as bytes', () => {
    const ext = 'x'.repeat(1000);
    const body = formatCheckpointBody({
      origin: ORIGIN,
      size: 8,
      rootHash: ROOT8,
      extensions: Array.from({ length: 1100 }, () => ext),
    });
    const note = signCheckpoint(body, SIGNER);
    expect(Buffer.byteLength(note)).toBeGreaterThan(MAX_NOTE_BYTES);
    expect(errorOf(note)).toBe('ERR_NOTE_MALFORMED');
    expect(errorOf(new TextEncoder().encode(note))).toBe('ERR_NOTE_MALFORMED');
  });

  it('refuses invalid UTF-8 and lone surrogates', () => {
    const bytes = new TextEncoder().encode(NOTE);
    const broken = Uint8Array.of(...bytes.subarray(0, 3), 0xff, ...bytes.subarray(4));
    expect(errorOf(broken)).toBe('ERR_NOTE_MALFORMED');
    expect(errorOf(NOTE.replace('registry', 'regis\ud800try'))).toBe('ERR_NOTE_MALFORMED');
  });

  it('keeps a byte order mark as part of the signed text', () => {
    const text = `\ufeff${BODY}`;
    expect(errorOf(signText(text, nodeLine(BODY)))).toBe('ERR_NOTE_SIGNATURE');
    const bytes = new TextEncoder().encode(signText(text, nodeLine(text)));
    expect(errorOf(bytes)).toBe('ERR_CHECKPOINT_ORIGIN');
  });

  it('reads at most 100 signature lines', () => {
    const others = Array.from({ length: 100 }, (_, i) => signatureLine(BODY, `w${i}.example`, MALLORY.seed));
    expect(errorOf(signText(BODY, ...others.slice(1), nodeLine(BODY)))).toBeUndefined();
    expect(errorOf(signText(BODY, ...others, nodeLine(BODY)))).toBe('ERR_NOTE_MALFORMED');
  });

  it('refuses what is not a note', () => {
    for (const note of [undefined, null, 42, {}, [NOTE]]) {
      expect(errorOf(note as unknown as string)).toBe('ERR_NOTE_MALFORMED');
    }
  });

  it('refuses a malformed verifier key argument', () => {
    expect(() => verifyCheckpoint(NOTE, { name: ORIGIN, publicKey: NODE.publicKey.slice(1) })).toThrow(
      RangeError,
    );
    expect(() => verifyCheckpoint(NOTE, { name: 'a b', publicKey: NODE.publicKey })).toThrow(TypeError);
  });
});

describe('verifier keys', () => {
  it('round-trip as name+keyid+base64(0x01||key)', () => {
    const keyId = Buffer.from(noteKeyId(ORIGIN, NODE.publicKey)).toString('hex');
    expect(VKEY).toBe(`${ORIGIN}+${keyId}+${b64(Uint8Array.of(1, ...NODE.publicKey))}`);
    expect(parseVerifierKey(VKEY)).toEqual(VERIFIER);
  });

  const [name, keyId, data] = VKEY.split('+') as [string, string, string];
  const smallOrder = new Uint8Array(32); // the identity's y = 1 encoding is below
  smallOrder[0] = 1;
  const nonCanonical = new Uint8Array(32).fill(0xff);
  nonCanonical[31] = 0x7f; // y = 2^255 - 1 >= p
  const withKey = (key: Uint8Array) =>
    `${name}+${Buffer.from(noteKeyId(name, key)).toString('hex')}+${b64(Uint8Array.of(1, ...key))}`;
  const cases: Array<[string, string]> = [
    ['two parts', `${name}+${keyId}`],
    ['key data with an extra field', `${VKEY}+x`],
    ['empty name', `+${keyId}+${data}`],
    ['name with a space', `a b+${keyId}+${data}`],
    ['key ID of another name', `other.example+${keyId}+${data}`],
    ['upper-case key ID', `${name}+${keyId.toUpperCase()}+${data}`],
    ['signature type 0x02', `${name}+${keyId}+${b64(Uint8Array.of(2, ...NODE.publicKey))}`],
    ['key data without padding', `${name}+${keyId}+${data.replace(/=+$/, '')}`],
    ['31-byte key', `${name}+${keyId}+${b64(Uint8Array.of(1, ...NODE.publicKey.subarray(1)))}`],
    ['small-order key', withKey(smallOrder)],
    ['non-canonical point encoding', withKey(nonCanonical)],
  ];
  it.each(cases)('refuse %s', (_why, vkey) => {
    expect(() => parseVerifierKey(vkey)).toThrow(expect.objectContaining({ code: 'ERR_VKEY_MALFORMED' }));
  });
});
