/**
 * The federation profile: the signature, header and key mutations of signed-objects.ts, put into a
 * followed peer's log, one case per kind of object a follower verifies (spec/federation.md §5,
 * REQ-FED-011, REQ-FED-013). Following costs a round trip to the target, so each case logs every
 * mutation of one valid object of its kind, then a valid object whose effect shows that the follower
 * went on; it checks that each forgery was reported as refused and changed nothing.
 */
import {
  createAttestation,
  createAttestationRevocation,
  createRevocation,
  type ObjectKind,
  type Signer,
  signObject,
} from '@kyodaku/client';
import type { Case } from '../../case.ts';
import type { Context } from '../../context.ts';
import { check, equal } from '../../expect.ts';
import { splitJws } from '../../jws-craft.ts';
import type { SuitePeer } from '../../peer/peer.ts';
import { MUTATIONS } from '../signed-objects/mutations.ts';
import type { Subject } from '../signed-objects/routes.ts';
import { caughtUp, decide, follow, withPeer } from './support.ts';

/**
 * The mutations of the table but those a follower does not refuse: a `typ` no kind has is a kind it
 * does not know and skips (REQ-FED-014), and EdDSA it accepts. A `typ` of another known kind over
 * this kind's payload it refuses (REQ-OBJ-002).
 */
const FEED_MUTATIONS = MUTATIONS.filter(
  (m) => (m.family !== 'typ' || m.name === 'typ-other-kind') && m.name !== 'alg-eddsa',
);

type FeedKind = 'record' | 'revocation' | 'party' | 'attestation' | 'attestation-revocation';

/** A `typ` of another kind that a follower knows, for each kind. */
const OTHER: Record<FeedKind, FeedKind> = {
  record: 'revocation',
  revocation: 'record',
  party: 'record',
  attestation: 'attestation-revocation',
  'attestation-revocation': 'attestation',
};

const TYP: Record<FeedKind, string> = {
  party: 'kyodaku-party+jws',
  record: 'kyodaku-record+jws',
  revocation: 'kyodaku-revocation+jws',
  attestation: 'kyodaku-attestation+jws',
  'attestation-revocation': 'kyodaku-attestation-revocation+jws',
};

/** A valid signed object of the peer's log, as a subject for the mutations. */
async function subject(
  kind: FeedKind,
  payload: object,
  key: { signer: Signer; publicJwk: { x: string } },
): Promise<Subject> {
  const { signer } = key;
  // biome-ignore lint/suspicious/noExplicitAny: a payload of `kind`
  const signed = await signObject(kind as ObjectKind, payload as any, signer);
  return {
    header: { alg: 'Ed25519', kid: signer.kid, typ: TYP[kind] },
    payload: JSON.parse(Buffer.from(splitJws(signed.jws)[1], 'base64url').toString('utf8')),
    signer,
    publicX: key.publicJwk.x,
    valid: signed.jws,
    unchanged: async () => {},
  };
}

/** What one case logs and checks: the valid subject, the valid object after it, and the effects. */
interface Plan {
  subjects: Subject[];
  /** Logs valid objects after the forgeries (the follower went on with the next entry). */
  after(): Promise<void>;
  /** Checks, once caught up, that the forgeries changed nothing and the valid objects counted. */
  check(): Promise<void>;
}

const PLANS: Record<
  FeedKind,
  { requirements: string[]; title: string; plan(ctx: Context, peer: SuitePeer): Promise<Plan> }
> = {
  record: {
    requirements: [],
    title: 'forged records of an attested party',
    async plan(ctx, peer) {
      const party = await peer.party();
      const work = ctx.workId('feed-forged');
      const valid = await peer.signRecord(party, { ids: [work], purposes: { all: 'allow' } });
      const later = ctx.workId('feed-after');
      return {
        subjects: [
          await subject(
            'record',
            JSON.parse(Buffer.from(splitJws(valid.jws)[1], 'base64url').toString()),
            party,
          ),
        ],
        after: async () => void (await peer.record(party, { ids: [later] })),
        async check() {
          const d = await decide(ctx, work);
          equal([d.decision, d.records], ['deny', []], `decision for ${work}, named only by forged records`);
          equal(
            (await decide(ctx, later)).decision,
            'allow',
            'decision for the valid record after the forgeries',
          );
        },
      };
    },
  },
  revocation: {
    requirements: ['REQ-FED-030'],
    title:
      "forged revocations with the owner's iss and kid, of a followed record and of the target's own record",
    async plan(ctx, peer) {
      const owner = await peer.party();
      const work = ctx.workId('feed-revoked');
      const record = await peer.record(owner, { ids: [work] });
      const later = ctx.workId('feed-after');
      const laterRecord = await peer.record(owner, { ids: [later] });
      const local = await ctx.party();
      const localWork = ctx.workId('feed-local');
      const localRecord = await ctx.publishRecord(local, { work: { type: 'work', ids: [localWork] } });
      const revocationOf = (iss: string, id: string) =>
        createRevocation({ iss, record: id, issued_at: peer.time(-1) });
      return {
        subjects: [
          await subject('revocation', revocationOf(owner.kid, record.id), owner),
          await subject('revocation', revocationOf(local.kid, localRecord.id), local),
        ],
        after: async () => void (await peer.revoke(owner, laterRecord.id)),
        async check() {
          equal(
            (await decide(ctx, work)).decision,
            'allow',
            'decision for the followed record after forged revocations',
          );
          equal((await ctx.recordView(record.id)).status, 'current', 'status of the followed record');
          equal(
            (await decide(ctx, localWork)).decision,
            'allow',
            "decision for the target's own record after forged revocations",
          );
          equal(
            (await ctx.recordView(localRecord.id)).status,
            'current',
            "status of the target's own record",
          );
          equal(
            (await decide(ctx, later)).decision,
            'deny',
            'decision after the valid revocation that follows the forgeries',
          );
        },
      };
    },
  },
  party: {
    requirements: ['REQ-OBJ-003'],
    title: 'forged registrations of a party, then its attestation and record',
    async plan(ctx, peer) {
      const party = await peer.newParty();
      const work = ctx.workId('feed-party');
      const later = ctx.workId('feed-after');
      return {
        subjects: [await subject('party', party.party, party)],
        async after() {
          await peer.attest(party);
          await peer.record(party, { ids: [work] });
          await peer.record(await peer.party(), { ids: [later] });
        },
        async check() {
          const d = await decide(ctx, work);
          equal(
            [d.decision, d.records],
            ['deny', []],
            `decision for ${work}, by a party registered only by forgeries`,
          );
          equal(
            (await decide(ctx, later)).decision,
            'allow',
            'decision for a valid party after the forgeries',
          );
        },
      };
    },
  },
  attestation: {
    requirements: ['REQ-OBJ-004', 'REQ-FED-012'],
    title: 'forged attestations of a registered party, then its record',
    async plan(ctx, peer) {
      const party = await peer.newParty();
      peer.append(party.partyJws);
      const payload = await createAttestation({
        node: peer.node.kid,
        party: party.party,
        issued_at: peer.time(-300),
      });
      const work = ctx.workId('feed-attested');
      const later = ctx.workId('feed-after');
      return {
        subjects: [await subject('attestation', payload, peer.node)],
        async after() {
          await peer.record(party, { ids: [work] });
          await peer.record(await peer.party(), { ids: [later] });
        },
        async check() {
          const d = await decide(ctx, work);
          equal(
            [d.decision, d.records],
            ['deny', []],
            `decision for ${work}, of a party attested only by forgeries`,
          );
          equal(
            (await decide(ctx, later)).decision,
            'allow',
            'decision for a validly attested party after the forgeries',
          );
        },
      };
    },
  },
  'attestation-revocation': {
    requirements: ['REQ-OBJ-004', 'REQ-FED-012'],
    title: "forged revocations of a party's attestation",
    async plan(ctx, peer) {
      const party = await peer.party();
      const work = ctx.workId('feed-attestation-kept');
      await peer.record(party, { ids: [work] });
      const payload = createAttestationRevocation({
        node: peer.node.kid,
        attestation: party.attestation.id,
        issued_at: peer.time(-1),
      });
      const other = await peer.party();
      const later = ctx.workId('feed-after');
      await peer.record(other, { ids: [later] });
      return {
        subjects: [await subject('attestation-revocation', payload, peer.node)],
        after: async () => void (await peer.revokeAttestation(other.attestation.id)),
        async check() {
          equal(
            (await decide(ctx, work)).decision,
            'allow',
            'decision for a party whose attestation was revoked only by forgeries',
          );
          equal(
            (await decide(ctx, later)).decision,
            'deny',
            'decision after the valid attestation revocation that follows the forgeries',
          );
        },
      };
    },
  },
};

const COMMON = [
  'REQ-FED-011',
  'REQ-FED-013',
  'REQ-SIG-001',
  'REQ-SIG-002',
  'REQ-SIG-003',
  'REQ-SIG-007',
  'REQ-SIG-008',
  'REQ-OBJ-002',
];

export const federationFeedSignatureCases: Case[] = (Object.keys(PLANS) as FeedKind[]).map((kind): Case => {
  const { requirements, title, plan } = PLANS[kind];
  const all = [...COMMON, ...requirements];
  return {
    id: `federation-jws-feed-${kind}`,
    requirements: all,
    refuses: all.filter((r) => r !== 'REQ-FED-030'),
    level: 'MUST',
    profile: 'federation',
    title: `a followed feed with ${title} (${FEED_MUTATIONS.map((m) => m.name).join(', ')}): each refused and reported, none takes effect`,
    run: (ctx) =>
      withPeer(ctx, async (peer) => {
        const p = await plan(ctx, peer);
        const forged: Array<{ index: number; what: string }> = [];
        for (const s of p.subjects) {
          for (const m of FEED_MUTATIONS) {
            forged.push({
              index: peer.append(
                await m.build(ctx, { kind: kind as ObjectKind, otherTyp: TYP[OTHER[kind]] }, s),
              ),
              what: m.name,
            });
          }
        }
        await p.after();
        await follow(ctx, peer);
        const status = await caughtUp(ctx, peer);
        const refused = new Set((status.refusals ?? []).map((r) => r.index));
        const missed = forged.filter((f) => !refused.has(f.index));
        check(
          missed.length === 0,
          `forged entries not reported as refused in GET /v1/peers (REQ-FED-013): ${missed.map((f) => `${f.index} (${f.what})`).join(', ')}`,
        );
        await p.check();
      }),
  };
});
