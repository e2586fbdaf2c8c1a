/**
 * spec/vectors/checkpoints.json: signed checkpoints and hostile notes made with the fixed test
 * keys (helpers/checkpoint-notes.ts), built from the code, checked equal to the file, and each
 * verified.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vectorFile } from '../../spec/scripts/lib/vector-file.ts';
import {
  formatCheckpointBody,
  type LogErrorCode,
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
  WITNESS,
} from './helpers/checkpoint-notes.ts';
import { SPEC_VECTORS } from './helpers/vectors.ts';

const CHECKPOINT_VECTORS = new URL('checkpoints.json', SPEC_VECTORS);

interface Case {
  requirements: string[];
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid';
  input: { note: string; verifierKey: string };
  output: { origin: string; size: number; rootHash: string; extensions: string[] } | { error: LogErrorCode };
}

function buildCheckpointVectors() {
  const tests: Case[] = [];
  const valid = (comment: string, flags: string[], note: string, requirements = ['REQ-LOG-011']) => {
    const c = verifyCheckpoint(note, VERIFIER);
    tests.push({
      requirements,
      comment,
      flags,
      result: 'valid',
      input: { note, verifierKey: VKEY },
      output: { origin: c.origin, size: c.size, rootHash: b64(c.rootHash), extensions: c.extensions },
    });
  };
  const invalid = (
    comment: string,
    flag: string,
    error: LogErrorCode,
    note: string,
    requirements: string[],
  ) => {
    tests.push({
      requirements: ['REQ-LOG-011', ...requirements],
      comment,
      flags: [flag],
      result: 'invalid',
      input: { note, verifierKey: VKEY },
      output: { error },
    });
  };
  const signed = (text: string) => signText(text, nodeLine(text));
  const body = (size: string, root = b64(ROOT8), ...ext: string[]) =>
    [ORIGIN, size, root, ...ext, ''].join('\n');
  const sigData = NOTE.slice(NOTE.lastIndexOf(' ') + 1, -1);
  const raw = Buffer.from(sigData, 'base64');
  const withSignatureBytes = (bytes: Uint8Array) => signText(BODY, `\u2014 ${ORIGIN} ${b64(bytes)}\n`);

  valid('checkpoint of the tree of entries kyodaku-0 … kyodaku-7', [], NOTE, [
    'REQ-LOG-006',
    'REQ-LOG-009',
    'REQ-LOG-010',
    'REQ-LOG-011',
  ]);
  valid(
    'checkpoint of the empty tree',
    [],
    signCheckpoint(formatCheckpointBody({ origin: ORIGIN, size: 0, rootHash: EMPTY_ROOT }), SIGNER),
    ['REQ-LOG-006', 'REQ-LOG-011'],
  );
  valid(
    'a cosignature by another key comes first',
    ['OtherKey'],
    signText(BODY, signatureLine(BODY, WITNESS, MALLORY.seed), nodeLine(BODY)),
  );
  valid(
    'a signature with the log name but another key is ignored',
    ['OtherKey'],
    signText(BODY, signatureLine(BODY, ORIGIN, MALLORY.seed), nodeLine(BODY)),
  );
  valid(
    'an unknown signature line of five bytes is ignored',
    ['OtherKey'],
    signText(BODY, `\u2014 ${WITNESS} AAAAAAA=\n`, nodeLine(BODY)),
  );
  valid('the same signature twice', ['Duplicate'], signText(BODY, nodeLine(BODY), nodeLine(BODY)));
  valid('an extension line', ['Extension'], signed(body('8', b64(ROOT8), 'kyodaku.example/ext 1')), [
    'REQ-LOG-007',
    'REQ-LOG-011',
  ]);

  invalid(
    'size changed to 9 after signing',
    'Tampered',
    'ERR_NOTE_SIGNATURE',
    NOTE.replace('\n8\n', '\n9\n'),
    ['REQ-LOG-009'],
  );
  invalid(
    'root changed after signing',
    'Tampered',
    'ERR_NOTE_SIGNATURE',
    NOTE.replace(b64(ROOT8), b64(EMPTY_ROOT)),
    ['REQ-LOG-009'],
  );
  invalid(
    'origin changed after signing',
    'Tampered',
    'ERR_NOTE_SIGNATURE',
    NOTE.replace(`${ORIGIN}\n`, 'registry.example/other\n'),
    ['REQ-LOG-009'],
  );
  invalid(
    'signed by the log key over another origin',
    'OriginMismatch',
    'ERR_CHECKPOINT_ORIGIN',
    signed(BODY.replace(`${ORIGIN}\n`, 'registry.example/other\n')),
    ['REQ-LOG-008'],
  );
  invalid('size with a leading zero', 'SizeSyntax', 'ERR_CHECKPOINT_MALFORMED', signed(body('08')), [
    'REQ-LOG-006',
  ]);
  invalid('size with a plus sign', 'SizeSyntax', 'ERR_CHECKPOINT_MALFORMED', signed(body('+8')), [
    'REQ-LOG-006',
  ]);
  invalid('size with a trailing space', 'SizeSyntax', 'ERR_CHECKPOINT_MALFORMED', signed(body('8 ')), [
    'REQ-LOG-006',
  ]);
  invalid('size 2^53', 'SizeRange', 'ERR_CHECKPOINT_MALFORMED', signed(body('9007199254740992')), [
    'REQ-LOG-006',
  ]);
  invalid(
    'root of 31 bytes',
    'RootSyntax',
    'ERR_CHECKPOINT_MALFORMED',
    signed(body('8', b64(ROOT8.subarray(1)))),
    ['REQ-LOG-006'],
  );
  invalid(
    'root without base64 padding',
    'RootSyntax',
    'ERR_CHECKPOINT_MALFORMED',
    signed(body('8', b64(ROOT8).slice(0, -1))),
    ['REQ-LOG-006'],
  );
  invalid(
    'root in hexadecimal',
    'RootSyntax',
    'ERR_CHECKPOINT_MALFORMED',
    signed(body('8', Buffer.from(ROOT8).toString('hex'))),
    ['REQ-LOG-006'],
  );
  invalid(
    'root in base64url',
    'RootSyntax',
    'ERR_CHECKPOINT_MALFORMED',
    signed(body('8', Buffer.from(ROOT8).toString('base64url'))),
    ['REQ-LOG-006'],
  );
  invalid('only two lines', 'BodySyntax', 'ERR_CHECKPOINT_MALFORMED', signed(`${ORIGIN}\n8\n`), [
    'REQ-LOG-006',
  ]);
  invalid(
    'an empty line inside the text',
    'BodySyntax',
    'ERR_CHECKPOINT_MALFORMED',
    signed(`${BODY}\nkyodaku.example/ext\n`),
    ['REQ-LOG-006'],
  );
  invalid('CRLF line endings', 'NoteSyntax', 'ERR_NOTE_MALFORMED', NOTE.replaceAll('\n', '\r\n'), []);
  invalid(
    'a tab in the origin line',
    'NoteSyntax',
    'ERR_NOTE_MALFORMED',
    signed(BODY.replace('registry.example/', 'registry.example/\t')),
    [],
  );
  invalid(
    'no blank line before the signature',
    'NoteSyntax',
    'ERR_NOTE_MALFORMED',
    NOTE.replace(`\n\n\u2014`, '\n\u2014'),
    [],
  );
  invalid('no newline after the signature', 'NoteSyntax', 'ERR_NOTE_MALFORMED', NOTE.slice(0, -1), []);
  invalid('no signature line', 'NoteSyntax', 'ERR_NOTE_MALFORMED', `${BODY}\n`, []);
  invalid('hyphen instead of em dash', 'NoteSyntax', 'ERR_NOTE_MALFORMED', NOTE.replace('\u2014', '-'), []);
  invalid(
    'signature without base64 padding',
    'NoteSyntax',
    'ERR_NOTE_MALFORMED',
    `${NOTE.slice(0, -2)}\n`,
    [],
  );
  invalid(
    'signature of the key ID only',
    'NoteSyntax',
    'ERR_NOTE_MALFORMED',
    withSignatureBytes(raw.subarray(0, 4)),
    [],
  );
  invalid(
    'signature truncated to 63 bytes',
    'BadSignature',
    'ERR_NOTE_SIGNATURE',
    withSignatureBytes(raw.subarray(0, -1)),
    ['REQ-LOG-009'],
  );
  invalid(
    'signature extended to 65 bytes',
    'BadSignature',
    'ERR_NOTE_SIGNATURE',
    withSignatureBytes(Uint8Array.of(...raw, 0)),
    ['REQ-LOG-009'],
  );
  invalid(
    'signature with S + L (not strict RFC 8032)',
    'BadSignature',
    'ERR_NOTE_SIGNATURE',
    withSignatureBytes(plusL(raw)),
    ['REQ-LOG-009'],
  );
  invalid(
    'a valid and an invalid signature of the log key',
    'BadSignature',
    'ERR_NOTE_SIGNATURE',
    signText(BODY, nodeLine(BODY), nodeLine(`${BODY}x`)),
    ['REQ-LOG-009'],
  );
  invalid(
    'signed only by another key',
    'Unverified',
    'ERR_NOTE_UNVERIFIED',
    signText(BODY, signatureLine(BODY, WITNESS, MALLORY.seed)),
    [],
  );
  invalid(
    'signed by the log key under another name',
    'Unverified',
    'ERR_NOTE_UNVERIFIED',
    signText(BODY, signatureLine(BODY, WITNESS, NODE.seed)),
    ['REQ-LOG-010'],
  );
  invalid(
    'the log key with a wrong key ID',
    'Unverified',
    'ERR_NOTE_UNVERIFIED',
    signText(BODY, signatureLine(BODY, ORIGIN, NODE.seed, new Uint8Array(4))),
    ['REQ-LOG-010'],
  );

  return vectorFile('c2sp-tlog-checkpoint-ed25519', 'spec/log.md', tests, {
    key: `signed with test key "node" of test-keys.json (seed SHA-256("kyodaku test key node")) as ${ORIGIN}; other signatures use test key "mallory"`,
    input: 'verify input.note with the Ed25519 verifier key string input.verifierKey',
    output:
      'valid: the checkpoint read (rootHash in base64); invalid: the error code of the reference client',
    OtherKey: 'signature lines of other keys, ignored',
    Duplicate: 'the same signature line twice',
    Extension: 'an extension line, accepted and returned',
    Tampered: 'text changed after signing',
    OriginMismatch: 'validly signed, but the origin is not the key name',
    SizeSyntax: 'validly signed, size not canonical decimal',
    SizeRange: 'validly signed, size not below 2^53',
    RootSyntax: 'validly signed, root not 32 bytes in canonical standard base64',
    BodySyntax: 'validly signed, not three or more non-empty lines',
    NoteSyntax: 'not a well-formed signed note',
    BadSignature: 'a signature line of the log key that does not verify',
    Unverified: 'no signature line of the log key',
  });
}

/** The signature line's key ID and signature with S replaced by S + L (same value mod L). */
function plusL(keyIdAndSig: Uint8Array): Uint8Array {
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const s = BigInt(`0x${Buffer.from(keyIdAndSig.subarray(36)).reverse().toString('hex')}`) + L;
  const sBytes = Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse();
  return Uint8Array.of(...keyIdAndSig.subarray(0, 36), ...sBytes);
}

describe('spec/vectors/checkpoints.json', () => {
  const built = `${JSON.stringify(buildCheckpointVectors(), null, 2)}\n`;
  if (process.env.UPDATE_VECTORS === '1') writeFileSync(CHECKPOINT_VECTORS, built);
  const file = JSON.parse(readFileSync(CHECKPOINT_VECTORS, 'utf8')) as ReturnType<
    typeof buildCheckpointVectors
  >;

  it('is what the code computes (regenerate with UPDATE_VECTORS=1)', () => {
    expect(readFileSync(CHECKPOINT_VECTORS, 'utf8')).toBe(built);
  });

  it.each(file.tests.map((t) => [t.tcId, t.comment, t]))('#%i %s', (_id, _comment, t) => {
    const verifier = parseVerifierKey(t.input.verifierKey);
    if (t.result === 'valid') {
      const c = verifyCheckpoint(t.input.note, verifier);
      expect({ ...c, rootHash: b64(c.rootHash) }).toEqual(t.output);
    } else {
      expect(errorOf(t.input.note, verifier)).toBe((t.output as { error: LogErrorCode }).error);
    }
  });
});
