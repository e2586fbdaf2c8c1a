/** Builders for the objects a party signs: they fill defaults, normalize identifiers and validate. */
import type { z } from 'zod';
import { KyodakuError } from './errors.ts';
import { InvalidIdentifierError, normalizeIdentifier } from './identifiers.ts';
import { keyIdOf, type PublicJwk, publicJwkOf } from './keys.ts';
import { OBJECT_KINDS, type ObjectKind, type PayloadOf } from './object-kinds.ts';
import { toTimestamp } from './time.ts';

function validated<K extends ObjectKind>(kind: K, payload: unknown): PayloadOf<K> {
  const schema = OBJECT_KINDS[kind].schema as unknown as z.ZodType<PayloadOf<K>>;
  const checked = schema.safeParse(payload);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new KyodakuError('ERR_SCHEMA', `${kind}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, {
      detail: checked.error.issues,
    });
  }
  return checked.data;
}

export interface PartyInput {
  key: PublicJwk;
  role: PayloadOf<'party'>['role'];
  names: PayloadOf<'party'>['names'];
  contact?: PayloadOf<'party'>['contact'];
  issued_at?: string;
}

export function createParty(input: PartyInput): PayloadOf<'party'> {
  return validated('party', {
    kind: 'party',
    v: 1,
    key: publicJwkOf(input.key),
    role: input.role,
    names: input.names,
    ...(input.contact && { contact: input.contact }),
    issued_at: input.issued_at ?? toTimestamp(),
  });
}

export type RecordInput = Omit<PayloadOf<'record'>, 'kind' | 'v' | 'issued_at' | 'valid_from'> & {
  issued_at?: string;
  valid_from?: string;
};

/** A consent record payload; identifiers may be given in any accepted form and are normalized. */
export function createRecord(input: RecordInput): PayloadOf<'record'> {
  let ids: string[];
  let related: string[] | undefined;
  try {
    ids = input.work.ids.map(normalizeIdentifier);
    related = input.work.related?.map(normalizeIdentifier);
  } catch (error) {
    if (error instanceof InvalidIdentifierError) {
      throw new KyodakuError('ERR_INVALID_IDENTIFIER', (error as Error).message, { cause: error });
    }
    throw error;
  }
  const issuedAt = input.issued_at ?? toTimestamp();
  return validated('record', {
    kind: 'record',
    v: 1,
    ...input,
    work: {
      ...input.work,
      ids: [...new Set(ids)],
      ...(related !== undefined && { related: [...new Set(related)] }),
    },
    issued_at: issuedAt,
    valid_from: input.valid_from ?? issuedAt,
  });
}

export function createRevocation(input: {
  iss: string;
  record: string;
  reason?: string;
  issued_at?: string;
}): PayloadOf<'revocation'> {
  return validated('revocation', {
    kind: 'revocation',
    v: 1,
    iss: input.iss,
    record: input.record,
    issued_at: input.issued_at ?? toTimestamp(),
    ...(input.reason && { reason: input.reason }),
  });
}

/** The payload of party `iss`'s delegation to `agent` (spec/kyodaku.md §6.6). */
export function createDelegation(input: {
  iss: string;
  agent: string;
  issued_at?: string;
  valid_until?: string;
  note?: Record<string, string>;
}): PayloadOf<'delegation'> {
  return validated('delegation', {
    kind: 'delegation',
    v: 1,
    iss: input.iss,
    agent: input.agent,
    issued_at: input.issued_at ?? toTimestamp(),
    ...(input.valid_until !== undefined && { valid_until: input.valid_until }),
    ...(input.note !== undefined && { note: input.note }),
  });
}

export function createDelegationRevocation(input: {
  iss: string;
  delegation: string;
  reason?: string;
  issued_at?: string;
}): PayloadOf<'delegation-revocation'> {
  return validated('delegation-revocation', {
    kind: 'delegation-revocation',
    v: 1,
    iss: input.iss,
    delegation: input.delegation,
    issued_at: input.issued_at ?? toTimestamp(),
    ...(input.reason && { reason: input.reason }),
  });
}

export async function createAttestation(input: {
  node: string;
  party: PayloadOf<'party'>;
  role?: PayloadOf<'attestation'>['role'];
  issued_at?: string;
  expires_at?: string;
}): Promise<PayloadOf<'attestation'>> {
  const kid = await keyIdOf(input.party.key);
  return validated('attestation', {
    kind: 'attestation',
    v: 1,
    node: input.node,
    party: kid,
    key: kid,
    role: input.role ?? input.party.role,
    issued_at: input.issued_at ?? toTimestamp(),
    ...(input.expires_at && { expires_at: input.expires_at }),
  });
}

export function createAttestationRevocation(input: {
  node: string;
  attestation: string;
  reason?: string;
  issued_at?: string;
}): PayloadOf<'attestation-revocation'> {
  return validated('attestation-revocation', {
    kind: 'attestation-revocation',
    v: 1,
    node: input.node,
    attestation: input.attestation,
    issued_at: input.issued_at ?? toTimestamp(),
    ...(input.reason && { reason: input.reason }),
  });
}
