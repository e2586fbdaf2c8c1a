/**
 * The web page in Chromium after trust changes: a holder whose key was changed imports the new key
 * and keeps superseding and revoking the records its old key signed, under the same party; the
 * node's problems are shown in Japanese with the node's detail beside them; and the parties the
 * node follows are found by name like its own.
 */
import {
  createParty,
  createRecord,
  generateKeyPair,
  importSigner,
  type PrivateJwk,
  signKeyChange,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.ts';
import { type ServedNode, servedNode } from './served-node.ts';

let node: ServedNode;
let peer: ServedNode;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [node, peer, browser] = await Promise.all([
    servedNode(),
    servedNode('peer.test/kyodaku'),
    launchChromium(),
  ]);
  const context = await browser.newContext({ locale: 'ja-JP' });
  page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([node?.close(), peer?.close()]);
});

/** Opens a view and waits until it has loaded (the view before it stays in the page while it loads). */
async function show(route: string, view = route.split('/')[0]!) {
  await page.goto(`${node.url}/#/${route}`);
  await page.reload(); // the same hash again is no navigation: read the node anew
  await page.locator(`main[data-view="${view}"]:not([aria-busy])`).waitFor();
}

const api = async (path: string) => (await fetch(`${node.url}${path}`)).json();

describe('publishing after a key change', () => {
  let party: string;
  let oldJwk: PrivateJwk;
  let first: string;
  let second: string;
  let newJwk: PrivateJwk;

  it('registers a key made in the browser and publishes with it', async () => {
    await show('publish');
    await page.getByRole('button', { name: '鍵を作成' }).click();
    await page.locator('#my-kid').waitFor();
    party = (await page.locator('#my-kid').textContent())!;
    await page.getByLabel('名前（日本語）').fill('鍵を変える出版');
    await page.getByRole('button', { name: '登録' }).click();
    await page.locator('#party-status').waitFor();
    const attest = await node.t.postJws(
      '/v1/attestations',
      (await node.t.admin({ action: 'attest', party })).jws,
    );
    expect(attest.status).toBe(201);
    oldJwk = JSON.parse((await page.evaluate(() => localStorage.getItem('kyodaku.key')))!) as PrivateJwk;
    const signer = await importSigner(oldJwk);
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const record = await signObject(
        'record',
        createRecord({
          iss: party,
          work: { type: 'work', ids: [`url:https://rotate.example/works/${n}`] },
          purposes: { train: 'deny' },
          issued_at: toTimestamp(Date.now() - 60_000),
        }),
        signer,
      );
      expect((await node.t.postJws('/v1/records', record.jws)).status).toBe(201);
      ids.push(record.id);
    }
    [first, second] = ids as [string, string];
  });

  it('after the key change, the old key is refused with a Japanese message and the node detail beside it', async () => {
    const next = await generateKeyPair();
    newJwk = next.privateJwk;
    const change = await signKeyChange({
      iss: party,
      oldSigner: await importSigner(oldJwk),
      newSigner: await importSigner(newJwk),
      newKey: next.publicJwk,
      issued_at: toTimestamp(Date.now() - 1000),
    });
    expect((await node.t.postJws('/v1/key-changes', change.jws)).status).toBe(201);
    await show('publish');
    const mine = page.locator(`section[aria-labelledby="mine-h"] article[data-record="${second}"]`);
    await mine.getByRole('button', { name: 'この記録を取り消す' }).click();
    const alert = mine.locator('[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(
      'エラー: この鍵はその当事者の現在の鍵ではありません（鍵を変更した場合は新しい鍵を使ってください）。',
    );
    const detail = alert.locator('small.problem-detail');
    expect(await detail.getAttribute('lang')).toBe('en');
    expect(await detail.getAttribute('data-code')).toBe('ERR_JWS_KID');
    expect(await detail.textContent()).toMatch(/kid/);
    expect((await api(`/v1/records/${second}`)).status).toBe('current');
  });

  it('refuses a new key named for a party whose current key it is not', async () => {
    await page.getByRole('button', { name: 'この鍵を削除' }).click();
    await page.locator('#key-import').waitFor();
    const stranger = (await generateKeyPair()).privateJwk;
    await page.getByLabel('鍵を読み込む（秘密 JWK）').fill(JSON.stringify(stranger));
    await page.getByLabel(/^当事者 ID/).fill(party);
    await page.getByRole('button', { name: '読み込む' }).click();
    await expect
      .poll(() => page.locator('[role="alert"]').textContent())
      .toContain('この鍵はその当事者の現在の鍵ではありません（鍵の変更が記録されていません）。');
    expect(await page.evaluate(() => localStorage.getItem('kyodaku.key'))).toBeNull();
  });

  it('imports the new key for the same party, then supersedes and revokes the old key’s records', async () => {
    await show('publish');
    await page.getByLabel('鍵を読み込む（秘密 JWK）').fill(JSON.stringify(newJwk));
    await page.getByLabel(/^当事者 ID/).fill(party);
    await page.getByRole('button', { name: '読み込む' }).click();
    await page.locator('#my-key-id').waitFor();
    expect(await page.locator('#my-kid').textContent()).toBe(party);
    expect(await page.locator('#party-status').textContent()).toContain('認証済み');

    const mine = page.locator(`section[aria-labelledby="mine-h"] article[data-record="${first}"]`);
    await mine.getByRole('button', { name: 'この記録を置き換える' }).click();
    const form = mine.locator('form.record-form');
    await form.locator('select[data-purpose="train"]').selectOption('allow');
    await form.getByRole('button', { name: 'この記録を置き換える' }).click();
    await page.waitForURL(/#\/record\//);
    const successor = page.url().split('#/record/')[1]!;
    const view = await api(`/v1/records/${successor}`);
    expect([view.record.iss, view.record.supersedes]).toEqual([party, first]);
    expect((await api(`/v1/records/${first}`)).status).toBe('superseded');

    await show('publish');
    const other = page.locator(`section[aria-labelledby="mine-h"] article[data-record="${second}"]`);
    await other.getByRole('button', { name: 'この記録を取り消す' }).click();
    await page.waitForURL(new RegExp(`#/record/${second}`));
    await expect.poll(async () => (await api(`/v1/records/${second}`)).status).toBe('revoked');
  });
});

describe('followed parties in the name search', () => {
  it('finds a party of a followed node by name and shows its origin', async () => {
    const keys = await generateKeyPair();
    const registration = await signObject(
      'party',
      createParty({
        key: keys.publicJwk,
        role: 'agency',
        names: { ja: '星野レコード', en: 'Hoshino Records' },
        issued_at: toTimestamp(Date.now() - 60_000),
      }),
      await importSigner(keys.privateJwk),
    );
    expect((await peer.t.postJws('/v1/parties', registration.jws)).status).toBe(201);
    const wk = (await (await fetch(`${peer.url}/.well-known/kyodaku`)).json()) as {
      node: { id: string };
      log: { origin: string };
    };
    const follow = await node.t.admin({ action: 'follow', url: peer.url, node_key: wk.node.id });
    const followed = await node.t.postJws('/v1/peers', follow.jws);
    expect(followed.status, await followed.clone().text()).toBe(201);
    const found = async () =>
      ((await api('/v1/parties?name=hoshino')) as { parties: Array<{ party_id: string }> }).parties.map(
        (p) => p.party_id,
      );
    await expect.poll(found, { timeout: 20_000 }).toEqual([keys.kid]);

    await show('');
    await page.getByLabel('名前または識別子').fill('hoshino records');
    await page.keyboard.press('Enter');
    await page.locator('main:not([aria-busy]) section[data-query="hoshino records"]').waitFor();
    await page.locator('#results').getByRole('link', { name: '星野レコード' }).click();
    await page.locator('main[data-view="party"]:not([aria-busy])').waitFor();
    expect(await page.locator('#party-origin').textContent()).toBe(wk.log.origin);
  });
});
