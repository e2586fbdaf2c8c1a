/**
 * `kyodaku-server seed`: loads a small, realistic demo registry into the node's database through the
 * node's own HTTP app (in-process, no port): fictional rights holders with Japanese and English
 * names, works, characters and a voice, mixed purposes, conditional terms, one revoked and one
 * disputed record. Every object is really signed. The demo keys are derived from public seeds (they
 * are not secret: never use them for anything real), so seeding twice gives the same objects and
 * the second run only reports them as already there.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createParty,
  createRecord,
  createRevocation,
  importSigner,
  type PrivateJwk,
  type PublicJwk,
  privateJwkFromSeed,
  type RecordInput,
  type Signer,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { openNode } from './node.ts';

interface DemoParty {
  name: string;
  role: 'rights-holder' | 'performer' | 'agency' | 'ai-developer';
  names: Record<string, string>;
  contact?: { url?: string; email?: string; name?: string };
}

const PARTIES = {
  seikai: {
    name: 'seikai',
    role: 'rights-holder',
    names: { ja: '星海社出版', en: 'Seikai Publishing', 'ja-Latn': 'Seikaisha Shuppan' },
    contact: { url: 'https://seikai.example/ai', email: 'rights@seikai.example' },
  },
  gekko: {
    name: 'gekko',
    role: 'rights-holder',
    names: { ja: 'スタジオ月虹', en: 'Studio Gekko', 'ja-Latn': 'Sutajio Gekkō' },
    contact: { url: 'https://gekko.example/license' },
  },
  seiran: {
    name: 'seiran',
    role: 'agency',
    names: { ja: '青嵐ボイス', en: 'Seiran Voice Agency', 'ja-Latn': 'Seiran Boisu' },
    contact: { email: 'voice-rights@seiran.example' },
  },
  minase: {
    name: 'minase',
    role: 'performer',
    names: { ja: '水瀬ひかり', en: 'Hikari Minase', 'ja-Latn': 'Minase Hikari' },
    contact: { url: 'https://seiran.example/talent/minase-hikari' },
  },
  mirai: {
    name: 'mirai',
    role: 'ai-developer',
    names: { ja: '未来AIラボ', en: 'Mirai AI Lab' },
    contact: { url: 'https://mirai-ai.example' },
  },
} satisfies Record<string, DemoParty>;

/** ISBN-13 with its check digit, from the first 12 digits. */
function isbn13(first12: string): string {
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return `isbn:${first12}${(10 - (sum % 10)) % 10}`;
}

const AOI = 'kyodaku:seikai.example/hoshi-no-umi/char/aoi';
const REN = 'kyodaku:seikai.example/hoshi-no-umi/char/kurogane-ren';
const SERIES = 'kyodaku:seikai.example/hoshi-no-umi';
const ANIME = 'kyodaku:gekko.example/anime/hoshi-no-umi';
const PV = 'kyodaku:gekko.example/anime/hoshi-no-umi/pv1';
const VOICE = 'kyodaku:seiran.example/voice/minase-hikari';
const VOICE2 = 'kyodaku:seiran.example/voice/asagiri-sou';
const MINASE = 'kyodaku:seiran.example/performer/minase-hikari';

const perUseJpy = (amount: string, unit: string) => ({
  model: 'per-use' as const,
  currency: 'JPY',
  amount,
  unit,
});

type Signed = { id: string; jws: string };

export interface SeedSummary {
  created: number;
  existing: number;
  parties: Record<string, string>;
}

export async function seed(
  app: ReturnType<typeof createApp>,
  adminSigner: Signer,
  now = Date.now(),
): Promise<SeedSummary> {
  const summary: SeedSummary = { created: 0, existing: 0, parties: {} };

  async function post(path: string, jws: string): Promise<void> {
    const response = await app.request(path, {
      method: 'POST',
      body: jws,
      headers: { 'content-type': 'application/jose' },
    });
    if (response.status === 201) summary.created++;
    else if (
      response.status === 409 &&
      ((await response.json()) as { type: string }).type.endsWith(':duplicate-object')
    ) {
      summary.existing++;
    } else throw new Error(`seed: POST ${path} failed with ${response.status}: ${await response.text()}`);
  }

  const signers: Record<string, Signer> = {};
  for (const p of Object.values(PARTIES) as DemoParty[]) {
    const seedBytes = createHash('sha256')
      .update(`kyodaku demo party (public, not secret): ${p.name}`)
      .digest();
    const jwk: PrivateJwk = await privateJwkFromSeed(new Uint8Array(seedBytes));
    const signer = await importSigner(jwk);
    signers[p.name] = signer;
    summary.parties[p.name] = signer.kid;
    const key: PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
    const party = await signObject(
      'party',
      createParty({
        key,
        role: p.role,
        names: p.names,
        issued_at: '2026-01-05T00:00:00Z',
        ...(p.contact && { contact: p.contact }),
      }),
      signer,
    );
    await post('/v1/parties', party.jws);
    const view = (await (await app.request(`/v1/parties/${signer.kid}`)).json()) as { status: string };
    if (view.status !== 'attested') {
      const request = await signObject(
        'admin',
        {
          kind: 'admin',
          v: 1,
          action: 'attest',
          party: signer.kid,
          issued_at: toTimestamp(now),
          nonce: createHash('sha256').update(`${p.name}:${now}`).digest('base64url').slice(0, 22),
        },
        adminSigner,
      );
      await post('/v1/attestations', request.jws);
    }
  }

  async function record(issuer: keyof typeof PARTIES, input: Omit<RecordInput, 'iss'>): Promise<Signed> {
    const signer = signers[issuer]!;
    const signed = await signObject('record', createRecord({ iss: signer.kid, ...input }), signer);
    await post('/v1/records', signed.jws);
    return signed;
  }

  // 星海社出版: the manga series, its volumes and web pages, and its characters.
  await record('seikai', {
    work: {
      type: 'work',
      ids: [
        SERIES,
        isbn13('978406123456'),
        isbn13('978406123457'),
        'url:https://seikai.example/hoshi-no-umi/*',
      ],
      titles: { ja: '星の海の葵', en: 'Aoi of the Star Sea', 'ja-Latn': 'Hoshi no Umi no Aoi' },
    },
    purposes: { train: 'deny', search: 'allow', 'input.index': 'conditional', 'input.user': 'allow' },
    conditions: {
      compensation: { ...perUseJpy('2', 'page indexed'), url: 'https://seikai.example/ai/terms' },
      attribution: { required: true, text: { ja: '©星海社出版', en: '© Seikai Publishing' } },
      territory: ['JP', 'US'],
    },
    issued_at: '2026-01-10T00:00:00Z',
  });
  await record('seikai', {
    work: {
      type: 'character',
      ids: [AOI],
      titles: { ja: '葵', en: 'Aoi', 'ja-Latn': 'Aoi' },
      aliases: { ja: ['あおい', '星の海の葵'], en: ['Aoi of the Star Sea'] },
    },
    purposes: { 'generate.character': 'conditional', train: 'deny', 'generate.style': 'deny' },
    conditions: {
      compensation: perUseJpy('50', 'generated image'),
      attribution: { required: true },
      contact: { name: '星海社出版 ライツ部', email: 'rights@seikai.example' },
      note: { ja: '成人向け・政治的な利用は不可', en: 'No adult or political use' },
    },
    issued_at: '2026-01-10T00:00:00Z',
  });
  await record('seikai', {
    work: {
      type: 'character',
      ids: [REN],
      titles: { ja: '黒鉄レン', en: 'Ren Kurogane', 'ja-Latn': 'Kurogane Ren' },
    },
    purposes: { all: 'deny' },
    issued_at: '2026-01-10T00:00:00Z',
  });

  // スタジオ月虹: the anime adaptation; it also claims the character 葵 (a disputed claim).
  await record('gekko', {
    work: {
      type: 'work',
      ids: [ANIME, 'url:https://gekko.example/anime/hoshi-no-umi/*'],
      titles: { ja: 'TVアニメ「星の海の葵」', en: 'Aoi of the Star Sea (TV anime)' },
    },
    purposes: {
      'train.nongen': 'allow',
      'train.genai': 'deny',
      'train.finetune': 'deny',
      search: 'allow',
      input: 'conditional',
    },
    conditions: { compensation: { model: 'revenue-share', amount: '5' }, attribution: { required: true } },
    issued_at: '2026-02-01T00:00:00Z',
  });
  await record('gekko', {
    work: { type: 'character', ids: [AOI], titles: { ja: '葵（アニメ版）', en: 'Aoi (anime)' } },
    purposes: { 'generate.character': 'allow', train: 'deny' },
    issued_at: '2026-02-01T00:00:00Z',
  });
  const pv = await record('gekko', {
    work: { type: 'work', ids: [PV], titles: { ja: '第1弾PV', en: 'Promotional video 1' } },
    purposes: { 'input.index': 'allow', search: 'allow' },
    issued_at: '2026-02-01T00:00:00Z',
  });
  const signer = signers.gekko!;
  const revocation = await signObject(
    'revocation',
    createRevocation({
      iss: signer.kid,
      record: pv.id,
      reason: 'PV replaced by the final cut',
      issued_at: '2026-03-01T00:00:00Z',
    }),
    signer,
  );
  await post('/v1/revocations', revocation.jws);

  // 水瀬ひかり (performer) and her agency 青嵐ボイス: voices.
  // Her likeness; her voice record links to it, so a prompt naming her hits the voice (generation.md §5).
  await record('minase', {
    work: {
      type: 'likeness',
      ids: [MINASE],
      titles: { ja: '水瀬ひかり', en: 'Hikari Minase', 'ja-Latn': 'Minase Hikari' },
      aliases: { ja: ['みなせひかり'] },
    },
    purposes: { 'generate.likeness': 'deny', train: 'deny' },
    issued_at: '2026-01-20T00:00:00Z',
  });
  await record('minase', {
    work: {
      type: 'voice',
      ids: [VOICE],
      titles: { ja: '水瀬ひかりの声', en: 'Voice of Hikari Minase' },
      related: [MINASE],
    },
    purposes: {
      'generate.voice': 'deny',
      'train.finetune': 'deny',
      'train.genai': 'deny',
      'input.user': 'deny',
    },
    issued_at: '2026-01-20T00:00:00Z',
  });
  await record('seiran', {
    work: {
      type: 'voice',
      ids: [VOICE2],
      titles: { ja: '朝霧颯の声', en: 'Voice of Sou Asagiri', 'ja-Latn': 'Asagiri Sō' },
    },
    purposes: { 'generate.voice': 'conditional', 'train.finetune': 'conditional', 'train.genai': 'deny' },
    conditions: {
      compensation: { model: 'flat-fee', currency: 'JPY', amount: '300000', unit: 'voice model per year' },
      attribution: {
        required: true,
        text: { ja: '声：朝霧颯（青嵐ボイス）', en: 'Voice: Sou Asagiri (Seiran Voice)' },
      },
      territory: ['JP'],
      contact: { email: 'voice-rights@seiran.example' },
    },
    issued_at: '2026-01-25T00:00:00Z',
  });
  return summary;
}

export async function seedMain(_args: string[] = []): Promise<void> {
  const config = loadConfig();
  const node = await openNode({
    db: config.db,
    dataDir: config.dataDir,
    name: config.name,
    origin: config.origin,
  });
  try {
    const admin = await importSigner(
      JSON.parse(readFileSync(join(config.dataDir, 'admin.key'), 'utf8')) as PrivateJwk,
    );
    const summary = await seed(createApp(node), admin);
    console.log(
      `kyodaku-server seed: ${summary.created} objects added, ${summary.existing} already there (${config.db})`,
    );
    for (const [name, id] of Object.entries(summary.parties)) console.log(`  ${name.padEnd(7)} ${id}`);
    console.log(
      `try: curl 'http://127.0.0.1:${config.port}/v1/decision?id=${AOI}&purpose=generate.character'`,
    );
    console.log(`     curl 'http://127.0.0.1:${config.port}/v1/works/${encodeURIComponent(SERIES)}'`);
  } finally {
    node.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await seedMain(process.argv.slice(2));
