/** Labels (spec/usage.md §5): issued with a declaration, verifiable offline, revoked automatically. */
import {
  createKeyCompromise,
  generateKeyPair,
  importSigner,
  schemas,
  signKeyChange,
  signObject,
  toTimestamp,
  verifyLabel,
} from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { openNode } from '../../src/node.ts';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';
import { developer, holderWithRecord } from './usage-helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

const BOOK = 'isbn:9784088725093';

async function labelOf(number: string) {
  const response = await t.get(`/v1/labels/${number}`);
  expect(response.status).toBe(200);
  return schemas.LabelView.parse(await response.json());
}

/** The label once its status is `status`, asking at most 50 times (the revocation is asynchronous). */
async function labelOnce(number: string, status: string) {
  for (let i = 0; i < 50; i++) {
    const view = await labelOf(number);
    if (view.status === status) return view;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`label ${number} never became ${status}`);
}

describe('labels', () => {
  it('REQ-USAGE-020, REQ-USAGE-021: a label is logged, served by number, and verifies offline', async () => {
    const { record } = await holderWithRecord(t, { 'train.genai': 'allow' }, [BOOK], undefined);
    const dev = await developer(t);
    const response = await dev.declare([{ ids: [BOOK], purpose: 'train.genai', records: [record.id] }]);
    const declaration = schemas.DeclarationView.parse(await response.json());
    const view = await labelOf(declaration.label!);
    expect(view.status).toBe('valid');
    expect(view.log.index).toBe(Number(view.number));
    expect(view.label).toMatchObject({
      declaration: declaration.id,
      declarant: dev.id,
      node: t.node.node.kid,
      scope: { purposes: ['train.genai'], items: 1, records: 1 },
      valid_from: declaration.received_at,
      valid_until: declaration.declaration.period.until,
    });
    const now = toTimestamp(t.node.now());
    expect((await verifyLabel(view.jws, t.node.node.publicJwk, now)).status).toBe('valid');
    expect((await verifyLabel(view.jws, t.node.node.publicJwk, view.label.valid_until)).status).toBe(
      'expired',
    );
    await expect(verifyLabel(view.jws, dev.keys.publicJwk, now)).rejects.toThrow(/trusted node key/);
    const page = await t.app.request(`/v1/labels/${view.number}`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain(`Kyodaku label ${view.number}`);
    expect(await problemType(await t.get('/v1/labels/999999'))).toBe(P('not-found'));
    expect(await problemType(await t.get(`/v1/labels/${declaration.log.index}`))).toBe(P('not-found'));
  });

  it('REQ-USAGE-022: revoking a cited record revokes the label with a logged revocation by the node', async () => {
    const { holder, record } = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    const dev = await developer(t);
    const declaration = schemas.DeclarationView.parse(
      await (await dev.declare([{ ids: [BOOK], purpose: 'tdm', records: [record.id] }])).json(),
    );
    expect((await t.postJws('/v1/revocations', (await holder.revocation(record.id)).jws)).status).toBe(201);
    const view = await labelOnce(declaration.label!, 'revoked');
    expect(view.revocation).toBeDefined();
    const later = toTimestamp(t.node.now() + 1000);
    const verdict = await verifyLabel(view.jws, t.node.node.publicJwk, later, view.revocation);
    expect(verdict).toMatchObject({
      status: 'revoked',
      revocation: { record: record.id, number: view.number },
    });
  });

  it('REQ-USAGE-022: superseding a cited record revokes the label', async () => {
    const { holder, record } = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    const dev = await developer(t);
    const declaration = schemas.DeclarationView.parse(
      await (await dev.declare([{ ids: [BOOK], purpose: 'tdm', records: [record.id] }])).json(),
    );
    const successor = await holder.record({
      ids: [BOOK],
      purposes: { all: 'deny' },
      supersedes: record.id,
      issued_at: toTimestamp(t.node.now()),
    });
    expect((await t.postJws('/v1/records', successor.jws)).status).toBe(201);
    await labelOnce(declaration.label!, 'revoked');
  });
});

describe('labels and trust changes', () => {
  it("REQ-USAGE-024: revoking the holder's attestation revokes the label, reason unattested", async () => {
    const { holder, record } = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    const dev = await developer(t);
    const declaration = schemas.DeclarationView.parse(
      await (await dev.declare([{ ids: [BOOK], purpose: 'tdm', records: [record.id] }])).json(),
    );
    const revoke = await t.admin({ action: 'revoke-attestation', attestation: holder.attestationId });
    expect((await t.postJws('/v1/attestations/revocations', revoke.jws)).status).toBe(201);
    const view = await labelOnce(declaration.label!, 'revoked');
    const later = toTimestamp(t.node.now() + 1000);
    expect(await verifyLabel(view.jws, t.node.node.publicJwk, later, view.revocation)).toMatchObject({
      status: 'revoked',
      revocation: { record: record.id, reason: 'unattested' },
    });
    const page = await t.app.request(`/v1/labels/${view.number}`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain(`a cited record&#39;s issuer is no longer attested (${record.id})`);
  });

  it('REQ-USAGE-024: declaring the key that signed a cited record compromised revokes the label, reason compromised', async () => {
    const { holder, record } = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    const dev = await developer(t);
    const declaration = schemas.DeclarationView.parse(
      await (await dev.declare([{ ids: [BOOK], purpose: 'tdm', records: [record.id] }])).json(),
    );
    const pair = await generateKeyPair();
    const next = await importSigner(pair.privateJwk);
    const now = toTimestamp(t.node.now());
    const change = await signKeyChange({
      iss: holder.id,
      oldSigner: holder.signer,
      newSigner: next,
      newKey: pair.publicJwk,
      issued_at: now,
    });
    expect((await t.postJws('/v1/key-changes', change.jws)).status).toBe(201);
    // Compromised since before the record was logged: the record counts at no time (REQ-KEY-007).
    const compromise = await signObject(
      'key-compromise',
      createKeyCompromise({
        iss: holder.id,
        key: holder.id,
        compromised_at: toTimestamp(t.node.now() - 30_000),
        issued_at: now,
      }),
      next,
    );
    expect((await t.postJws('/v1/key-compromises', compromise.jws)).status).toBe(201);
    const view = await labelOnce(declaration.label!, 'revoked');
    expect(view.revocation).toBeDefined();
    const later = toTimestamp(t.node.now() + 1000);
    expect(await verifyLabel(view.jws, t.node.node.publicJwk, later, view.revocation)).toMatchObject({
      status: 'revoked',
      revocation: { record: record.id, reason: 'compromised' },
    });
  });
});

describe('labels across a restart', () => {
  it('REQ-USAGE-022: a label whose cited record was withdrawn before its revocation was logged is revoked at start-up', async () => {
    const { holder, record } = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    const dev = await developer(t);
    const declaration = schemas.DeclarationView.parse(
      await (await dev.declare([{ ids: [BOOK], purpose: 'tdm', records: [record.id] }])).json(),
    );
    expect((await t.postJws('/v1/revocations', (await holder.revocation(record.id)).jws)).status).toBe(201);
    await labelOnce(declaration.label!, 'revoked');
    // As if the node had stopped between the record's revocation and the label's.
    await t.node.client.execute('UPDATE labels SET revoked_by = NULL, revoked_at = NULL');
    expect((await labelOf(declaration.label!)).status).toBe('valid');
    t.node.close();
    // A later clock: the label revocation signed at start-up is a new object, not the one above.
    const reopened = await openNode({
      db: t.db,
      dataDir: t.dir,
      now: () => Date.now() + 5_000,
    });
    try {
      const view = schemas.LabelView.parse(
        await (await createApp(reopened).request(`/v1/labels/${declaration.label}`)).json(),
      );
      expect(view.status).toBe('revoked');
    } finally {
      reopened.close();
    }
  });

  it("REQ-USAGE-024: a label whose holder's attestation was revoked before its revocation was logged is revoked at start-up", async () => {
    const { holder, record } = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    const dev = await developer(t);
    const declaration = schemas.DeclarationView.parse(
      await (await dev.declare([{ ids: [BOOK], purpose: 'tdm', records: [record.id] }])).json(),
    );
    const revoke = await t.admin({ action: 'revoke-attestation', attestation: holder.attestationId });
    expect((await t.postJws('/v1/attestations/revocations', revoke.jws)).status).toBe(201);
    await labelOnce(declaration.label!, 'revoked');
    await t.node.client.execute('UPDATE labels SET revoked_by = NULL, revoked_at = NULL');
    t.node.close();
    const reopened = await openNode({ db: t.db, dataDir: t.dir, now: () => Date.now() + 5_000 });
    try {
      const view = schemas.LabelView.parse(
        await (await createApp(reopened).request(`/v1/labels/${declaration.label}`)).json(),
      );
      expect(view.status).toBe('revoked');
      const verdict = await verifyLabel(
        view.jws,
        reopened.node.publicJwk,
        toTimestamp(Date.now() + 10_000),
        view.revocation,
      );
      expect(verdict).toMatchObject({ status: 'revoked', revocation: { reason: 'unattested' } });
    } finally {
      reopened.close();
    }
  });
});
