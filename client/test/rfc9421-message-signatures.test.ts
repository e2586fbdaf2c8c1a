/**
 * HTTP Message Signatures against published vectors: RFC 9421 B.2.6 (Ed25519), the Web Bot Auth
 * request signatures and the signed key directory of cloudflare/web-bot-auth; then hostile input.
 */
import {
  importPublicKey,
  importSigner,
  KyodakuError,
  type PrivateJwk,
  signatureBase,
  taggedSignatures,
  verifyCrawlerRequest,
  verifyKeyDirectory,
  verifyMessageSignature,
} from '@kyodaku/client';
import { type InnerList, parseDictionary } from 'structured-headers';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_VECTORS, readJson } from './helpers/vectors.ts';

interface B26 {
  key: PrivateJwk;
  request: { method: string; url: string; headers: Record<string, string> };
  signature_input: string;
  signature_base: string;
  signature: string;
}
const b26 = readJson<B26>(PUBLISHED_VECTORS, 'rfc9421/b26-ed25519.json');

interface Architecture {
  key: PrivateJwk;
  label: string;
  target_url: string;
  created_ms: number;
  signature: string;
  signature_input: string;
  signature_agent?: string;
}
const architecture = readJson<Architecture[]>(
  PUBLISHED_VECTORS,
  'cloudflare-web-bot-auth/web_bot_auth_architecture_v2.ed25519.json',
);

interface DirectoryVector {
  public_key: { x: string; kid: string };
  request: { target_url: string };
  response: { headers: Record<string, string>; body: string };
  signature_base: string;
}
const [directory] = readJson<DirectoryVector[]>(
  PUBLISHED_VECTORS,
  'cloudflare-web-bot-auth/web_bot_auth_directory_response_v1.json',
);

const publicJwk = (x: string) => ({ kty: 'OKP' as const, crv: 'Ed25519' as const, x });

describe('RFC 9421 Appendix B.2.6 (Ed25519)', () => {
  const request = { ...b26.request, headers: new Headers(b26.request.headers) };
  const input = parseDictionary(b26.signature_input).get('sig-b26') as InnerList;
  const signature = new Uint8Array(parseDictionary(b26.signature).get('sig-b26')![0] as ArrayBuffer);

  it('Should build the published signature base', () => {
    expect(signatureBase(request, input)).toBe(b26.signature_base);
  });

  it('Should verify the published signature and sign the same bytes (Ed25519 is deterministic)', async () => {
    const key = await importPublicKey(publicJwk(b26.key.x));
    const base = new TextEncoder().encode(b26.signature_base);
    expect(await crypto.subtle.verify('Ed25519', key, signature, base)).toBe(true);
    const signer = await importSigner({ kty: 'OKP', crv: 'Ed25519', x: b26.key.x, d: b26.key.d });
    const mine = new Uint8Array(await crypto.subtle.sign('Ed25519', signer.privateKey, base));
    expect(Buffer.from(mine).toString('base64')).toBe(Buffer.from(signature).toString('base64'));
  });

  it('Should not verify when a covered field changes', async () => {
    const key = await importPublicKey(publicJwk(b26.key.x));
    const changed = { ...request, headers: new Headers({ ...b26.request.headers, 'content-length': '19' }) };
    const base = new TextEncoder().encode(signatureBase(changed, input));
    expect(await crypto.subtle.verify('Ed25519', key, signature, base)).toBe(false);
  });
});

describe('Web Bot Auth request signatures (cloudflare/web-bot-auth vectors)', () => {
  for (const v of architecture) {
    const headers = new Headers({ 'signature-input': v.signature_input, signature: v.signature });
    if (v.signature_agent !== undefined) headers.set('signature-agent', v.signature_agent);
    const request = { method: 'GET', url: v.target_url, headers };

    it(`Should verify ${v.label} (${v.signature_agent === undefined ? '@authority' : 'with Signature-Agent'})`, async () => {
      const [signature] = taggedSignatures(headers, 'web-bot-auth');
      const key = await importPublicKey(publicJwk(v.key.x));
      expect(await verifyMessageSignature(request, signature!, key)).toBe(true);
    });

    it(`Should refuse ${v.label} as a crawler signature: it lives longer than an hour`, async () => {
      const failure = verifyCrawlerRequest(request, {
        now: v.created_ms,
        resolveKey: async () => publicJwk(v.key.x),
      });
      await expect(failure).rejects.toMatchObject({ code: 'ERR_CRAWLER_SIGNATURE' });
    });
  }
});

describe('Key directory response (cloudflare/web-bot-auth vector)', () => {
  const url = directory!.request.target_url;
  const response = { headers: new Headers(directory!.response.headers), body: directory!.response.body };

  it('Should build the published signature base and bind the key', async () => {
    const [signature] = taggedSignatures(response.headers, 'http-message-signatures-directory');
    expect(
      signatureBase({ headers: response.headers, request: { method: 'GET', url } }, signature!.input),
    ).toBe(directory!.signature_base);
    const keys = await verifyKeyDirectory(url, response, 1_735_689_600_000);
    expect([...keys.keys()]).toEqual([directory!.public_key.kid]);
  });

  it('Should bind no key when the directory is served from another authority', async () => {
    const keys = await verifyKeyDirectory(
      url.replace('signature-agent.test', 'evil.test'),
      response,
      1_735_689_600_000,
    );
    expect(keys.size).toBe(0);
  });

  it('Should refuse a body that does not match its Content-Digest', async () => {
    const tampered = { ...response, body: response.body.replace('"use":"sig"', '"use":"enc"') };
    await expect(verifyKeyDirectory(url, tampered, 1_735_689_600_000)).rejects.toBeInstanceOf(KyodakuError);
  });
});

describe('Hostile signature inputs (never a crash: a KyodakuError with a stable code)', () => {
  const request = {
    method: 'GET',
    url: 'https://node.example/v1/decision?id=x',
    headers: new Headers({ a: 'b' }),
  };
  const list = (text: string) => parseDictionary(`s=${text}`).get('s') as InnerList;

  for (const [what, text] of [
    ['a component parameter the profile does not compute (sf)', '("a";sf)'],
    ['a binary-wrapped field (bs)', '("a";bs)'],
    [';req on a request', '("@authority";req)'],
    ['@query-param', '("@query-param";name="id")'],
    ['@request-target', '("@request-target")'],
    ['@status on a request', '("@status")'],
    ['a component listed twice', '("@authority" "@authority")'],
    ['@signature-params as a component', '("@signature-params")'],
    ['a field the request does not have', '("content-digest")'],
    ['an uppercase field name', '("A")'],
    ['a key on a derived component', '("@authority";key="x")'],
    ['a key on a field that is not a dictionary', '("a";key="x")'],
  ] as const) {
    it(`Should refuse ${what}`, () => {
      expect(() => signatureBase(request, list(text))).toThrow(
        expect.objectContaining({ code: 'ERR_CRAWLER_SIGNATURE' }),
      );
    });
  }

  it('Should take a dictionary member by key, serialized again', () => {
    const withAgent = {
      ...request,
      headers: new Headers({ 'signature-agent': 'a2="https://c.example" ,  b=1' }),
    };
    expect(signatureBase(withAgent, list('("signature-agent";key="a2")'))).toBe(
      '"signature-agent";key="a2": "https://c.example"\n"@signature-params": ("signature-agent";key="a2")',
    );
  });

  it('Should refuse signature fields that are not dictionaries, too long, or not 64 bytes', () => {
    for (const [input, signature] of [
      ['sig1=("@authority");tag="web-bot-auth"', 'sig1=:AAAA:'],
      ['sig1=("@authority";tag="web-bot-auth"', 'sig1=:AAAA:'],
      [`sig1=("@authority");tag="web-bot-auth";x="${'a'.repeat(5000)}"`, 'sig1=:AAAA:'],
      ['sig1="@authority";tag="web-bot-auth"', 'sig1=:AAAA:'],
      ['sig1=("@authority");tag="web-bot-auth"', 'sig2=:AAAA:'],
    ]) {
      const headers = new Headers({ 'signature-input': input!, signature: signature! });
      expect(() => taggedSignatures(headers, 'web-bot-auth')).toThrow(
        expect.objectContaining({ code: 'ERR_CRAWLER_SIGNATURE' }),
      );
    }
  });
});
