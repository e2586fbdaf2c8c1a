/** Test set-up through the SDK: a party registered and attested at a real node, records published. */
import { readFileSync } from 'node:fs';
import { createParty, createRecord, type RecordInput } from '../../src/builders.ts';
import { signObject } from '../../src/jws.ts';
import { generateKeyPair, importSigner, type PrivateJwk } from '../../src/keys.ts';
import { KyodakuNode } from '../../src/node-client.ts';
import { toTimestamp } from '../../src/time.ts';
import type { ServerProcess } from './server-process.ts';

export async function adminSignerOf(server: ServerProcess) {
  return importSigner(JSON.parse(readFileSync(server.adminKeyPath, 'utf8')) as PrivateJwk);
}

export type PartyRole = 'rights-holder' | 'performer' | 'agency' | 'ai-developer';

/**
 * A party's self-signed registration with a fresh key, not sent anywhere. Defaults: a rights
 * holder named "Test <role>", issued a minute ago (so that a node's clock slightly behind counts it).
 */
export async function signedParty(
  options: { role?: PartyRole; names?: Record<string, string>; issuedAt?: string } = {},
) {
  const keys = await generateKeyPair();
  const signer = await importSigner(keys.privateJwk);
  const role = options.role ?? 'rights-holder';
  const party = await signObject(
    'party',
    createParty({
      key: keys.publicJwk,
      role,
      names: options.names ?? { en: `Test ${role}` },
      issued_at: options.issuedAt ?? toTimestamp(Date.now() - 60_000),
    }),
    signer,
  );
  return { keys, signer, party };
}

/** A rights holder with a fresh key, registered and attested. */
export async function attestedParty(
  server: ServerProcess,
  role: 'rights-holder' | 'ai-developer' = 'rights-holder',
) {
  const node = new KyodakuNode(server.url);
  const { keys, signer, party } = await signedParty({ role });
  await node.registerParty(party);
  await node.attest(await adminSignerOf(server), { party: keys.kid });
  return {
    ...keys,
    signer,
    node,
    /** Signs and publishes a record of this party. */
    async publish(input: Omit<RecordInput, 'iss'>) {
      const signed = await signObject(
        'record',
        createRecord({ issued_at: toTimestamp(Date.now() - 30_000), ...input, iss: keys.kid }),
        signer,
      );
      return node.publishRecord(signed);
    },
  };
}

/**
 * The records the snapshot tests hold against a node: every URL under https://open.example.org/
 * allowed for training, ISBN 9784088725093 for generative training, and `denied` denied for all.
 */
export async function publishSnapshotRecords(server: ServerProcess, denied: string): Promise<void> {
  const party = await attestedParty(server);
  await party.publish({
    work: { type: 'work', ids: ['url:https://open.example.org/*'] },
    purposes: { train: 'allow' },
  });
  await party.publish({
    work: { type: 'work', ids: ['isbn:9784088725093'] },
    purposes: { 'train.genai': 'allow' },
  });
  await party.publish({ work: { type: 'work', ids: [denied] }, purposes: { all: 'deny' } });
}
