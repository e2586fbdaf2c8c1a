/**
 * Federation demo (spec/federation.md): starts two origin nodes — a publishers' association and a
 * voice actors' agency, each attesting its own members — and a mirror that follows both, all as real
 * `kyodaku-server` processes on loopback ports with their own databases; seeds records on each
 * origin; then asks the mirror what a crawler would ask, and shows each answer's origin.
 *
 *   npx tsx examples/federation/federation-demo.ts
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type AdminRequest,
  createParty,
  createRecord,
  generateKeyPair,
  importSigner,
  type PrivateJwk,
  type RecordInput,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { type ServerProcess, startServer } from '../../client/test/helpers/server-process.ts';

async function node(origin: string, env: Record<string, string> = {}) {
  const server = await startServer({ env: { KYODAKU_ORIGIN: origin, ...env } });
  const wk = (await (await fetch(`${server.url}/.well-known/kyodaku`)).json()) as { node: { id: string } };
  const admin = await importSigner(JSON.parse(readFileSync(server.adminKeyPath, 'utf8')) as PrivateJwk);
  const post = async (path: string, jws: string) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      body: jws,
      headers: { 'content-type': 'application/jose' },
    });
    if (res.status >= 300) throw new Error(`${origin} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const adminJws = async (payload: Record<string, unknown>) =>
    (
      await signObject(
        'admin',
        {
          kind: 'admin',
          v: 1,
          issued_at: toTimestamp(),
          nonce: randomBytes(12).toString('base64url'),
          ...payload,
        } as unknown as AdminRequest,
        admin,
      )
    ).jws;
  return { server, origin, url: server.url, nodeKey: wk.node.id, post, adminJws };
}

type DemoNode = Awaited<ReturnType<typeof node>>;

/** A member registers its key at its organization's node, which attests it, then publishes records. */
async function member(at: DemoNode, role: 'rights-holder' | 'agency', names: { ja: string; en: string }) {
  const keys = await generateKeyPair();
  const signer = await importSigner(keys.privateJwk);
  const party = await signObject(
    'party',
    createParty({ key: keys.publicJwk, role, names, issued_at: toTimestamp(Date.now() - 60_000) }),
    signer,
  );
  await at.post('/v1/parties', party.jws);
  await at.post('/v1/attestations', await at.adminJws({ action: 'attest', party: keys.kid }));
  return async (ids: string[], purposes: Record<string, string>, conditions?: Record<string, unknown>) => {
    const record = await signObject(
      'record',
      createRecord({
        iss: keys.kid,
        work: { type: 'work', ids },
        purposes,
        ...(conditions && { conditions }),
      } as unknown as RecordInput),
      signer,
    );
    await at.post('/v1/records', record.jws);
  };
}

const servers: ServerProcess[] = [];
try {
  console.log('starting two origin nodes and a mirror on loopback…');
  const publishers = await node('publishers.demo/kyodaku');
  const voices = await node('voices.demo/kyodaku');
  const mirror = await node('mirror.demo/kyodaku', { KYODAKU_FOLLOW_POLL_MS: '200' });
  servers.push(publishers.server, voices.server, mirror.server);
  for (const n of [publishers, voices, mirror])
    console.log(`  ${n.origin.padEnd(24)} ${n.url}  node key ${n.nodeKey}`);

  console.log(
    'seeding: publishers attest 星海社出版, the agency attests a voice actor; both publish records…',
  );
  const seikai = await member(publishers, 'rights-holder', { ja: '星海社出版', en: 'Seikai Publishing' });
  const agency = await member(voices, 'agency', { ja: '葵ボイス', en: 'Aoi Voice Agency' });
  await seikai(['url:https://seikai.example/manga/*'], { 'input.index': 'allow', train: 'deny' });
  await seikai(['kyodaku:seikai/hoshi-no-umi/char/aoi'], { 'generate.character': 'allow' });
  await agency(
    ['kyodaku:voices/aoi'],
    { 'generate.voice': 'conditional' },
    {
      compensation: { model: 'per-use', currency: 'JPY', amount: '50', unit: 'generated minute' },
    },
  );
  // A dispute across nodes: the agency claims the character too, and denies it.
  await agency(['kyodaku:seikai/hoshi-no-umi/char/aoi'], { 'generate.character': 'deny' });

  console.log('the mirror follows both origins (admin request "follow" with the pinned node key)…');
  for (const origin of [publishers, voices]) {
    await mirror.post(
      '/v1/peers',
      await mirror.adminJws({ action: 'follow', url: origin.url, node_key: origin.nodeKey }),
    );
  }
  for (;;) {
    const { peers } = (await (await fetch(`${mirror.url}/v1/peers`)).json()) as {
      peers: Array<{ origin: string; lag: number | null; cursor: number; state: string }>;
    };
    if (peers.length === 2 && peers.every((p) => p.lag === 0 && p.cursor >= 0)) {
      for (const p of peers) console.log(`  ${p.origin}: ${p.state}, cursor ${p.cursor}, lag ${p.lag}`);
      break;
    }
    await new Promise((done) => setTimeout(done, 200));
  }

  console.log('\na crawler asks only the mirror:');
  const ask = async (id: string, purpose: string) => {
    const q = new URLSearchParams({ id, purpose });
    const a = (await (await fetch(`${mirror.url}/v1/decision?${q}`)).json()) as {
      decision: string;
      disputed: boolean;
      reasons: string[];
      origins?: Record<string, string>;
    };
    const from = [...new Set(Object.values(a.origins ?? {}))].join(', ') || '-';
    console.log(
      `  ${purpose.padEnd(18)} ${id.padEnd(44)} → ${a.decision}${a.disputed ? ' (disputed)' : ''}  [${a.reasons.join(', ')}]  from ${from}`,
    );
  };
  await ask('url:https://seikai.example/manga/vol1.html', 'input.index');
  await ask('url:https://seikai.example/manga/vol1.html', 'train.genai');
  await ask('kyodaku:voices/aoi', 'generate.voice');
  await ask('kyodaku:seikai/hoshi-no-umi/char/aoi', 'generate.character');
  await ask('url:https://unknown.example/page', 'train.genai');
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}
