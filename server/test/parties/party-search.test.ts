/** Parties by name (spec/http-api.md §3.1, REQ-API-102), through app.request(). */
import {
  createParty,
  generateKeyPair,
  importSigner,
  schemas,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { openNode } from '../../src/node.ts';
import { makeNode, problemType, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

async function register(names: Record<string, string>, issuedAgoMs = 60_000) {
  const keys = await generateKeyPair();
  const signer = await importSigner(keys.privateJwk);
  const party = createParty({
    key: keys.publicJwk,
    role: 'agency',
    names,
    issued_at: toTimestamp(Date.now() - issuedAgoMs),
  });
  const response = await t.postJws('/v1/parties', (await signObject('party', party, signer)).jws);
  expect(response.status).toBe(201);
  return { id: keys.kid, party, signer };
}

async function search(name: string, get = t.get) {
  const response = await get(`/v1/parties?name=${encodeURIComponent(name)}`);
  expect(response.status).toBe(200);
  return schemas.PartyList.parse(await response.json()).parties.map((p) => p.party_id);
}

describe('GET /v1/parties?name= (REQ-API-102)', () => {
  it('finds parties by any of their names in kana, kanji, romaji, fullwidth or another case; exact names first', async () => {
    const seiran = await register({ ja: '青嵐ボイス', en: 'Seiran Voice Agency', 'ja-Latn': 'Seiran Boisu' });
    const seiranKids = await register({ ja: '青嵐ボイスキッズ' });
    await register({ ja: 'スタジオ月虹', en: 'Studio Gekko' });
    // Kana matches the romaji name (the folding of prompt checks), not the kanji one.
    expect(await search('せいらん')).toEqual([seiran.id]);
    expect(await search('青嵐ボイス')).toEqual([seiran.id, seiranKids.id]);
    expect(await search('ぼいす')).toEqual([seiran.id, seiranKids.id].sort());
    expect(await search('ＳＥＩＲＡＮ　ＶＯＩＣＥ')).toEqual([seiran.id]);
    expect(await search('seiran boisu')).toEqual([seiran.id]);
    expect(await search('gekko')).toHaveLength(1);
    expect(await search('nobody here')).toEqual([]);
  });

  it('searches the current registration, also after a restart', async () => {
    const p = await register({ en: 'Old Name Office' }, 120_000);
    const renamed = await signObject(
      'party',
      { ...p.party, names: { en: 'New Name Office' }, issued_at: toTimestamp(Date.now() - 60_000) },
      p.signer,
    );
    expect((await t.postJws('/v1/parties', renamed.jws)).status).toBe(201);
    expect(await search('old name')).toEqual([]);
    expect(await search('new name')).toEqual([p.id]);
    t.node.close();
    t.node.close = () => {};
    const reopened = await openNode({ db: t.db, dataDir: t.dir });
    const app = createApp(reopened);
    expect(await search('new name', (path) => app.request(path))).toEqual([p.id]);
    reopened.close();
  });

  it('refuses a missing, empty or too long name and a limit outside 1..100 with 400', async () => {
    for (const query of [
      '',
      '?name=',
      `?name=${'x'.repeat(201)}`,
      '?name=a&limit=0',
      '?name=a&limit=101',
      '?name=a&limit=x',
    ]) {
      const response = await t.get(`/v1/parties${query}`);
      expect([query, response.status, await problemType(response)]).toEqual([
        query,
        400,
        'urn:kyodaku:problem:invalid-request',
      ]);
    }
  });
});
