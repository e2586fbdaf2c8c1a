/**
 * The web page in a real browser (Chromium through playwright-core): browse and search, a work's
 * page, a party's page, the language switch, and verification of a record's signature, its
 * inclusion proof and a receipt, run in the page with the bundled protocol library.
 */
import {
  createRecord,
  generateKeyPair,
  importSigner,
  signKeyChange,
  signObject,
  toTimestamp,
  verifierKeyString,
} from '@kyodaku/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { developer, holderWithRecord } from '../usage/usage-helpers.ts';
import { launchChromium } from './chromium.ts';
import { type ServedNode, servedNode } from './served-node.ts';

let node: ServedNode;
let browser: Browser;

beforeAll(async () => {
  [node, browser] = await Promise.all([servedNode(), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await node?.close();
});

async function open(path = '/', lang: 'ja' | 'en' = 'ja'): Promise<Page> {
  const context = await browser.newContext({ locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${node.url}${path}`);
  await page.locator('main h1').waitFor();
  return page;
}

/** Searches as a user does, and waits until the page shows the results of that query. */
async function search(page: Page, text: string, submit: 'enter' | 'click' = 'enter'): Promise<void> {
  await page.getByLabel('名前または識別子').fill(text);
  if (submit === 'enter') await page.keyboard.press('Enter');
  else await page.getByRole('button', { name: '検索' }).click();
  await page.locator(`main:not([aria-busy]) section[data-query="${text}"]`).waitFor();
}

/** Waits until the page shows a loaded view of that route (the view before it stays while it loads). */
async function loaded(page: Page, route: string): Promise<void> {
  await page.locator(`main[data-view="${route}"]:not([aria-busy])`).waitFor();
}

const errorsOf = (page: Page) => (page as Page & { errors: string[] }).errors;

describe('browse and search', () => {
  it('serves the page in Japanese with the recent records of the log, and no console error', async () => {
    const page = await open('/');
    expect(await page.getAttribute('html', 'lang')).toBe('ja');
    await expect
      .poll(() => page.locator('main h1').textContent())
      .toBe('作品・キャラクター・声・当事者を探す');
    await page.locator('#recent li').first().waitFor();
    expect(await page.locator('#recent li').count()).toBeGreaterThan(5);
    expect(await page.locator('#recent').textContent()).toContain('水瀬ひかりの声');
    expect(errorsOf(page)).toEqual([]);
  });

  it('browses older parts of the log', async () => {
    const { entries } = await (await fetch(`${node.url}/v1/log/entries?limit=20`)).json();
    const records = entries.filter((e: { jws: string }) =>
      Buffer.from(e.jws.split('.')[0]!, 'base64url').toString().includes('kyodaku-record+jws'),
    ).length;
    expect(records).toBeGreaterThan(0);
    const page = await open('/#/?before=20');
    await expect.poll(() => page.locator('#recent-h + p').textContent()).toBe('ログの 0〜19 番目');
    expect(await page.locator('#recent li').count()).toBe(records);
    expect(await page.locator('#older').count()).toBe(0);
  });

  it('finds a party by its name in kana, kanji or romaji and opens its page', async () => {
    const page = await open('/');
    for (const name of ['せいらんぼいす', '青嵐ボイス', 'SEIRAN VOICE']) {
      await search(page, name);
      expect(await page.locator('#results').textContent()).toContain('青嵐ボイス');
    }
    await page.locator('#results a', { hasText: '青嵐ボイス' }).first().click();
    await loaded(page, 'party');
    expect(await page.locator('main h1').textContent()).toContain('当事者');
  });

  it('finds a voice by its name in kana and kanji with the folding of prompt checks, by keyboard', async () => {
    const page = await open('/');
    for (const name of ['水瀬ひかり', 'ミナセヒカリ', 'minase hikari']) {
      await search(page, name);
      expect(await page.locator('#results').textContent()).toContain('voice/minase-hikari');
      expect(await page.locator('#results').textContent()).toContain('拒否');
    }
    // Keyboard only: tab to the first result's link and follow it.
    await page.locator('#results a').first().focus();
    await page.keyboard.press('Enter');
    await page.locator('#decisions').waitFor();
    expect(await page.locator('main h1').textContent()).toContain('作品');
    // Focus moves to the new view's heading.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  });

  it('opens a work by identifier: decision per purpose, every record, its history, holder and origin', async () => {
    const page = await open('/');
    const first = await page.locator('#recent a.mono').first().textContent();
    await search(page, first!, 'click');
    await page.locator('#results a').first().click();
    await page.locator('#decisions').waitFor();
    expect(await page.locator('#decisions tbody tr').count()).toBe(12);
    await page.locator('article.record').first().waitFor();
    const card = await page.locator('article.record').first().textContent();
    expect(card).toContain('権利者');
    expect(card).toContain('記録元ノード');
    expect(card).toContain('認証済み');
    const nodeId = (await (await fetch(`${node.url}/.well-known/kyodaku`)).json()).node.id as string;
    expect(
      await page.locator('article.record').first().locator('ul.attestations li').first().textContent(),
    ).toContain(nodeId.slice(0, 12));
    expect(await page.locator('#history li').count()).toBeGreaterThanOrEqual(1);
  });

  it('takes a bare URL or ISBN as the identifier it names', async () => {
    const page = await open('/');
    await search(page, 'https://gekko.example/anime/hoshi-no-umi/*');
    expect(await page.locator('#results a').first().textContent()).toBe(
      'url:https://gekko.example/anime/hoshi-no-umi/*',
    );
    await search(page, '978-4-08-872509-3');
    expect(await page.locator('#results a').first().textContent()).toBe('isbn:9784088725093');
  });

  it('lists every record naming a work in its history, each with its status', async () => {
    const page = await open('/');
    await search(page, '葵');
    await page.locator('#results a').first().click();
    await page.locator('#history').waitFor();
    const statuses = await page.locator('#history .badge').allTextContents();
    expect(statuses.length).toBeGreaterThanOrEqual(2);
  });

  it('opens a party page from a record: names with their lang, attestations and records', async () => {
    const page = await open('/');
    await page.locator('#recent a').first().click();
    await page.locator('article.record').waitFor();
    await page.locator('article.record dd a[href^="#/party/"]').first().click();
    await page.locator('#attestations').waitFor();
    expect(await page.locator('main h1').textContent()).toContain('当事者');
    expect(await page.locator('main li[lang="en"]').count()).toBe(1);
    expect(await page.locator('article.record').count()).toBeGreaterThanOrEqual(1);
  });
});

/** The ids of form controls with no label (neither a <label> nor aria-label). */
const unlabelled = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement>('input, select, textarea')]
      .filter((e) => e.labels?.length === 0 && !e.getAttribute('aria-label'))
      .map((e) => e.id || e.outerHTML),
  );

describe('accessibility', () => {
  it('labels every form control on the search, record and verify pages', async () => {
    const page = await open('/');
    expect(await unlabelled(page)).toEqual([]);
    await page.locator('#recent a').first().click();
    await loaded(page, 'record');
    expect(await unlabelled(page)).toEqual([]);
    await page.goto(`${node.url}/#/verify`);
    await loaded(page, 'verify');
    expect(await unlabelled(page)).toEqual([]);
  });

  it('offers a skip link to the content as the first stop of the keyboard', async () => {
    const page = await open('/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('skip-link');
    expect(await page.locator('#skip-link').textContent()).toBe('本文へ移動');
  });
});

describe('language', () => {
  it('switches between Japanese and English everywhere, sets lang and keeps the choice', async () => {
    const page = await open('/');
    await page.getByLabel('言語 / Language').selectOption('en');
    await expect
      .poll(() => page.locator('main h1').textContent())
      .toBe('Find works, characters, voices and parties');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('#site-nav').textContent()).toContain('Verify');
    await page.reload();
    await page.locator('main h1').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByLabel('Language / 言語').selectOption('ja');
    await expect
      .poll(() => page.locator('main h1').textContent())
      .toBe('作品・キャラクター・声・当事者を探す');
    expect(await page.getAttribute('html', 'lang')).toBe('ja');
  });

  it('redraws the page it is on in the other language: a work page in English', async () => {
    const page = await open(`/#/work/${encodeURIComponent('kyodaku:seiran.example/voice/minase-hikari')}`);
    await page.locator('#decisions').waitFor();
    expect(await page.locator('#decisions-h').textContent()).toBe('目的ごとの現在の判定');
    await page.getByLabel('言語 / Language').selectOption('en');
    await expect.poll(() => page.locator('#decisions-h').textContent()).toBe('Current decision per purpose');
    expect(await page.locator('#decisions tr[data-purpose="generate.voice"] th').textContent()).toContain(
      'imitating a voice',
    );
    expect(await page.locator('article.record h3 span[lang]').first().getAttribute('lang')).toBe('en');
  });

  it('marks a title in another language than the page with its own lang', async () => {
    const page = await open('/', 'en');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.locator('#recent li').first().waitFor();
    expect(await page.locator('#recent span[lang="en"]').count()).toBeGreaterThan(0);
  });
});

describe('verify in the browser', () => {
  it('verifies a record: signature, checkpoint, inclusion proof', async () => {
    const page = await open('/');
    await page.locator('#recent a').first().click();
    await page.getByRole('button', { name: '検証' }).click();
    await page.locator('#verify-summary').waitFor();
    expect(await page.locator('#verify-summary').textContent()).toBe('すべての検査に合格しました。');
    for (const check of ['checkSignature', 'checkCheckpoint', 'checkConsistency', 'checkInclusion']) {
      expect(await page.locator(`[data-check="${check}"]`).getAttribute('data-ok')).toBe('true');
    }
  });

  it('refuses a record whose payload was changed, and a checkpoint under another verifier key', async () => {
    const page = await open('/');
    await page.locator('#recent a').first().click();
    await page.locator('textarea').waitFor();
    const jws = await page.locator('textarea').inputValue();
    const [h, p, s] = jws.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
    payload.purposes = { all: 'allow' };
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    await page.locator('textarea').fill(forged);
    await page.getByRole('button', { name: '検証' }).click();
    await page.locator('#verify-summary').waitFor();
    expect(await page.locator('#verify-summary').textContent()).toBe('検証に失敗しました。');
    expect(await page.locator('[data-check="checkSignature"]').getAttribute('data-ok')).toBe('false');

    await page.locator('textarea').fill(jws);
    const vkey = page.getByLabel('ログの検証鍵（verifier key）');
    const real = await vkey.inputValue();
    const other = `${real.split('+')[0]}+00000000+AQ${'A'.repeat(42)}=`;
    await vkey.fill(other);
    await page.getByRole('button', { name: '検証' }).click();
    await expect
      .poll(() => page.locator('[data-check="checkCheckpoint"]').getAttribute('data-ok'))
      .toBe('false');
  });

  it('verifies a record signed with a key its party changed to, checking the key change too', async () => {
    const party = await node.t.party();
    const fresh = await generateKeyPair();
    const newSigner = await importSigner(fresh.privateJwk);
    const change = await signKeyChange({
      iss: party.id,
      oldSigner: party.signer,
      newSigner,
      newKey: fresh.publicJwk,
      issued_at: toTimestamp(Date.now() - 30_000),
    });
    expect((await node.t.postJws('/v1/key-changes', change.jws)).status).toBe(201);
    const record = await signObject(
      'record',
      createRecord({
        iss: party.id,
        work: { type: 'work', ids: ['url:https://rotated.example/1'] },
        purposes: { all: 'deny' },
      }),
      newSigner,
    );
    expect((await node.t.postJws('/v1/records', record.jws)).status).toBe(201);
    const page = await open(`/#/record/${record.id}`);
    await page.getByRole('button', { name: '検証' }).click();
    await page.locator('#verify-summary').waitFor();
    expect(await page.locator('#verify-summary').textContent()).toBe('すべての検査に合格しました。');
  });

  it('verifies an uploaded receipt: the node signature and every ref in the evaluated tree', async () => {
    const meta = await (await fetch(`${node.url}/.well-known/kyodaku`)).json();
    expect(meta.log.origin).toBeTruthy();
    const page = await open('/#/verify');
    const first = await (await fetch(`${node.url}/v1/log/entries?limit=20`)).json();
    const record = first.entries
      .map((e: { jws: string }) =>
        JSON.parse(Buffer.from(e.jws.split('.')[1]!, 'base64url').toString('utf8')),
      )
      .find((p: { kind: string }) => p.kind === 'record');
    const answer = await (
      await fetch(
        `${node.url}/v1/decision?id=${encodeURIComponent(record.work.ids[0])}&purpose=train&receipt=1&nonce=browser-test-nonce-0001`,
      )
    ).text();
    await page.locator('input[type="file"]').setInputFiles({
      name: 'answer.json',
      mimeType: 'application/json',
      buffer: Buffer.from(answer),
    });
    await expect.poll(() => page.locator('textarea').inputValue()).toMatch(/^eyJ/);
    await page.getByRole('button', { name: '検証' }).click();
    await page.locator('#verify-summary').waitFor();
    expect(await page.locator('#verify-summary').textContent()).toBe('すべての検査に合格しました。');
    expect(await page.locator('[data-check="checkReceiptRefs"]').getAttribute('data-ok')).toBe('true');

    // Under a verifier key the user names instead, the receipt's node signature no longer verifies.
    const other = (await generateKeyPair()).publicJwk;
    await page
      .getByLabel('ログの検証鍵（verifier key）')
      .fill(verifierKeyString(meta.log.origin, new Uint8Array(Buffer.from(other.x, 'base64url'))));
    await page.getByRole('button', { name: '検証' }).click();
    await expect
      .poll(() => page.locator('[data-check="checkSignature"]').getAttribute('data-ok'))
      .toBe('false');
  });

  it('verifies a pasted label: the node signature, its validity and its log entry; a revoked label fails', async () => {
    const { holder, record } = await holderWithRecord(node.t, { all: 'allow' }, ['isbn:9784063842760']);
    const dev = await developer(node.t);
    const declared = await dev.declare([
      { ids: ['isbn:9784063842760'], purpose: 'train.genai', records: [record.id] },
    ]);
    expect(declared.status, await declared.clone().text()).toBe(201);
    const number = ((await declared.json()) as { label: string }).label;
    const label = (await (await fetch(`${node.url}/v1/labels/${number}`)).json()) as { jws: string };
    const page = await open('/#/verify');
    await page.locator('textarea').fill(label.jws);
    await page.getByRole('button', { name: '検証' }).click();
    await page.locator('#verify-summary').waitFor();
    expect(await page.locator('#verify-summary').textContent()).toBe('すべての検査に合格しました。');
    for (const check of ['checkSignature', 'checkLabelStatus', 'checkInclusion']) {
      expect(await page.locator(`[data-check="${check}"]`).getAttribute('data-ok')).toBe('true');
    }

    // The holder revokes the record it cites: the node revokes the label, and the page says so.
    const revoked = await node.t.postJws('/v1/revocations', (await holder.revocation(record.id)).jws);
    expect(revoked.status).toBe(201);
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${node.url}/v1/labels/${number}`)).json()) as { status: string }).status,
      )
      .toBe('revoked');
    await page.getByRole('button', { name: '検証' }).click();
    await expect
      .poll(() => page.locator('[data-check="checkLabelStatus"]').getAttribute('data-ok'))
      .toBe('false');
    expect(await page.locator('[data-check="checkLabelStatus"]').textContent()).toContain('revoked');
  });
});
