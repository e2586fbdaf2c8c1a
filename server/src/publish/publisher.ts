/**
 * Publishing parties, records and revocations (spec/http-api.md §3.1–§3.3), shared by the one-object
 * endpoints and bulk publication (§3.5). A publication has two steps: `verify` runs every check that
 * does not depend on other publications (the JWS, the signature, the issuer's attestation), so that
 * many can run at once; `store` queues the object for the next group commit and resolves once it is
 * durable. Objects queued one after another are planned in that order (the store's group commit).
 */
import { KyodakuError, kindOfTyp, type schemas, toTimestamp, verifyParty } from '@kyodaku/client';
import type { NodeContext } from '../node-context.ts';
import type { StoredObject } from '../objects/job.ts';
import { assertNotFutureDated } from '../objects/time-bound.ts';
import { verifySigned } from '../objects/verify.ts';
import { logRefOf } from '../objects/views.ts';
import { issuerKeyOf } from '../parties/issuer-key.ts';
import { loadPartyView } from '../parties/party-view.ts';
import { recordRowOf } from '../records/record-store.ts';
import { recordStatus } from '../records/views.ts';

export const PUBLISHABLE_KINDS = ['party', 'record', 'revocation'] as const;
export type PublishableKind = (typeof PUBLISHABLE_KINDS)[number];

/** An object stored by a publication: where it is, and its view for a one-object answer. */
export interface Published {
  kind: PublishableKind;
  stored: StoredObject;
  /** The object's URL (REQ-API-013). */
  location: string;
  view: () => unknown;
}

/** A verified object, ready to be queued for storage. */
export interface Verified {
  /**
   * Queues the object (synchronously, in call order) and resolves once it is stored; objects queued
   * with the same `together` token are committed in one group.
   */
  store: (together?: object) => Promise<Published>;
}

/** The `typ` of a JWS's protected header if it parses, else undefined (verification decides). */
function typOf(header: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString());
    const typ = typeof parsed === 'object' && parsed !== null ? (parsed as { typ?: unknown }).typ : undefined;
    return typeof typ === 'string' ? typ : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The endpoint kind per protected header segment (an issuer's objects share one header). Only
 * headers of a real header's size are kept, so hostile input cannot make the cache large.
 */
const kindOfHeader = new Map<string, PublishableKind>();
const CACHED_HEADER_MAX = 256;

function publishableKindOf(jws: string): PublishableKind {
  const header = jws.slice(0, Math.max(0, jws.indexOf('.')));
  let kind = kindOfHeader.get(header);
  if (kind === undefined) {
    const named = kindOfTyp(typOf(header) ?? '');
    kind = (PUBLISHABLE_KINDS as readonly string[]).includes(named ?? '')
      ? (named as PublishableKind)
      : 'record';
    if (header.length <= CACHED_HEADER_MAX) {
      if (kindOfHeader.size >= 4096) kindOfHeader.clear();
      kindOfHeader.set(header, kind);
    }
  }
  return kind;
}

export function publisher(node: NodeContext) {
  const resolveKey = issuerKeyOf(node.keys);
  const now = () => toTimestamp(node.now());

  const verifiers: Record<PublishableKind, (jws: unknown) => Promise<Verified>> = {
    async party(jws) {
      const party = await verifyParty(jws);
      assertNotFutureDated(party.payload.issued_at, node.now());
      const partyId = party.header.kid;
      node.keys.assertMayRegister(partyId);
      return {
        store: async (together) => ({
          kind: 'party',
          stored: await node.parties.putParty(party, now(), together),
          location: `/v1/parties/${partyId}`,
          view: () => loadPartyView(node, partyId),
        }),
      };
    },

    async record(jws) {
      const record = await verifySigned(jws, 'record', resolveKey);
      const nowMs = node.now();
      assertNotFutureDated(record.payload.issued_at, nowMs);
      const attestation = node.index.attestationAt(record.payload.iss, toTimestamp(nowMs));
      if (attestation === undefined) {
        throw new KyodakuError('ERR_UNATTESTED', 'the issuer key has no attestation in force at this node');
      }
      if (attestation.role === 'ai-developer') {
        throw new KyodakuError('ERR_FORBIDDEN', 'an AI developer does not publish consent records');
      }
      return {
        store: async (together) => {
          const stored = await node.records.putRecord(record, now(), together);
          return {
            kind: 'record',
            stored,
            location: `/v1/records/${stored.id}`,
            // The view from memory (recordView without reading the record back).
            view: (): schemas.RecordView => ({
              id: stored.id,
              jws: stored.jws,
              received_at: stored.receivedAt,
              log: logRefOf(stored),
              record: record.signedPayload as schemas.RecordView['record'],
              status: recordStatus(recordRowOf(stored.id, stored.seq, record.payload), now()),
            }),
          };
        },
      };
    },

    async revocation(jws) {
      const revocation = await verifySigned(jws, 'revocation', resolveKey);
      assertNotFutureDated(revocation.payload.issued_at, node.now());
      return {
        store: async (together) => {
          const stored = await node.records.putRevocation(revocation, now(), together);
          return {
            kind: 'revocation',
            stored,
            location: `/v1/revocations/${stored.id}`,
            view: (): schemas.RevocationView => ({
              id: stored.id,
              jws: stored.jws,
              received_at: stored.receivedAt,
              log: logRefOf(stored),
              revocation: revocation.signedPayload as schemas.RevocationView['revocation'],
            }),
          };
        },
      };
    },
  };

  return {
    /** Verifies an object for the endpoint of `kind`. */
    verify: (kind: PublishableKind, jws: unknown) => verifiers[kind](jws),
    /**
     * Verifies an object of the kind its `typ` names; any other `typ` (or a header that does not
     * parse) is verified as a record, which refuses it as a record endpoint would (REQ-API-081).
     */
    verifyAny(jws: string): Promise<Verified> {
      return verifiers[publishableKindOf(jws)](jws);
    },
  };
}

export type Publisher = ReturnType<typeof publisher>;
