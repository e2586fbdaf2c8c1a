/**
 * Publishing from the web page in Chromium: a key made in the browser, the party registered with it,
 * a record created, superseded and revoked, and a catalogue imported in bulk — and the private key
 * never in any request.
 */
import { generateKeyPair } from '@kyodaku/client';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.ts';
import { type ServedNode, servedNode } from './served-node.ts';

let node: ServedNode;
let browser: Browser;
let page: Page;
let kid: string;
const sent: string[] = [];

beforeAll(async () => {
  [node, browser] = await Promise.all([servedNode(), launchChromium()]);
  const context = await browser.newContext({ locale: 'ja-JP' });
  page = await context.newPage();
  page.on('request', (request: Request) => sent.push(`${request.url()}\n${request.postData() ?? ''}`));
  await page.goto(`${node.url}/#/publish`);
  await page.locator('main h1').waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await node?.close();
});

/** Opens a view and waits until it has loaded (the view before it stays in the page while it loads). */
async function show(route: 'publish' | '') {
  await page.goto(`${node.url}/#/${route}`);
  await page.locator(`main[data-view="${route}"]:not([aria-busy])`).waitFor();
}

const api = async (path: string) => (await fetch(`${node.url}${path}`)).json();

async function choosePurpose(form: ReturnType<Page['locator']>, purpose: string, value: string) {
  await form.locator(`select[data-purpose="${purpose}"]`).selectOption(value);
}

describe('publish with a key kept in the browser', () => {
  it('makes a key, registers its party, and the node attests it', async () => {
    await page.getByRole('button', { name: '鍵を作成' }).click();
    kid = (await page.locator('#my-kid').textContent())!;
    expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByLabel('名前（日本語）').fill('ブラウザ出版');
    await page.getByLabel('名前（英語）').fill('Browser Publishing');
    await page.getByRole('button', { name: '登録' }).click();
    await page.locator('#party-status').waitFor();
    expect(await page.locator('#party-status').textContent()).toContain('未認証');
    const attest = await node.t.postJws(
      '/v1/attestations',
      (await node.t.admin({ action: 'attest', party: kid })).jws,
    );
    expect(attest.status).toBe(201);
    await page.reload();
    await page.locator('#party-status').waitFor();
    expect(await page.locator('#party-status').textContent()).toContain('認証済み');
  });

  it('creates a record from the form, and the record verifies in the browser', async () => {
    expect(
      await page.evaluate(() =>
        [...document.querySelectorAll<HTMLInputElement>('input, select, textarea')]
          .filter((e) => e.labels?.length === 0)
          .map((e) => e.id),
      ),
    ).toEqual([]);
    const form = page.locator('form.record-form').first();
    await form.getByLabel('識別子（1行に1つ）').fill('url:https://browser.example/works/1');
    await form.getByLabel('題名（日本語）').fill('ブラウザの本');
    await form.getByLabel('題名（英語）').fill('The Browser Book');
    await choosePurpose(form, 'train', 'deny');
    await choosePurpose(form, 'search', 'allow');
    await choosePurpose(form, 'input.index', 'conditional');
    await form.getByLabel('クレジット表記の文言', { exact: true }).fill('©ブラウザ出版');
    await form.getByLabel('クレジット表記の文言（英語）').fill('© Browser Publishing');
    await form.getByLabel('地域').fill('jp, us');
    await form.getByRole('button', { name: '署名して公開' }).click();
    await page.waitForURL(/#\/record\//);
    await page.locator('article.record').waitFor();
    const id = page.url().split('#/record/')[1]!;
    const view = await api(`/v1/records/${id}`);
    expect(view.record.iss).toBe(kid);
    expect(view.record.purposes).toEqual({ train: 'deny', search: 'allow', 'input.index': 'conditional' });
    expect(view.record.conditions).toEqual({
      attribution: { required: true, text: { ja: '©ブラウザ出版', en: '© Browser Publishing' } },
      territory: ['JP', 'US'],
    });
    await page.getByRole('button', { name: '検証' }).click();
    await page.locator('#verify-summary').waitFor();
    expect(await page.locator('#verify-summary').textContent()).toBe('すべての検査に合格しました。');
  });

  it('shows what a form cannot sign, without sending anything', async () => {
    await show('publish');
    await page.locator('#mine-h').waitFor();
    const form = page.locator('form.record-form').first();
    const before = sent.length;
    await form.getByLabel('識別子（1行に1つ）').fill('isbn:123');
    await choosePurpose(form, 'train', 'deny');
    await form.getByRole('button', { name: '署名して公開' }).click();
    await expect.poll(() => form.locator('[role="alert"]').textContent()).toContain('エラー');
    expect(sent.slice(before).filter((s) => s.includes('/v1/records'))).toEqual([]);
  });

  it('supersedes the record with a form filled from it', async () => {
    await show('publish');
    await page.locator('#mine-h').waitFor();
    const mine = page.locator('section[aria-labelledby="mine-h"] article[data-record]');
    await mine.first().waitFor();
    const oldId = await mine.first().getAttribute('data-record');
    await mine.first().getByRole('button', { name: 'この記録を置き換える' }).click();
    const form = mine.first().locator('form.record-form');
    expect(await form.getByLabel('題名（日本語）').inputValue()).toBe('ブラウザの本');
    await choosePurpose(form, 'train', 'allow');
    await form.getByRole('button', { name: 'この記録を置き換える' }).click();
    await page.waitForURL(/#\/record\//);
    const newId = page.url().split('#/record/')[1]!;
    expect(newId).not.toBe(oldId);
    expect((await api(`/v1/records/${newId}`)).record.supersedes).toBe(oldId);
    expect((await api(`/v1/records/${oldId}`)).status).toBe('superseded');
  });

  it('revokes the record with a reason', async () => {
    await show('publish');
    await page.locator('#mine-h').waitFor();
    const mine = page.locator('section[aria-labelledby="mine-h"] article[data-record]');
    await mine.first().waitFor();
    const id = (await mine.first().getAttribute('data-record'))!;
    await mine.first().getByLabel('取り消しの理由').fill('契約終了');
    await mine.first().getByRole('button', { name: 'この記録を取り消す' }).click();
    await page.waitForURL(new RegExp(`#/record/${id}`));
    await expect.poll(async () => (await api(`/v1/records/${id}`)).status).toBe('revoked');
  });

  it('imports a JSONL and a CSV catalogue with progress, naming each refused line', async () => {
    await show('publish');
    await page.locator('#catalogue').waitFor();
    const jsonl = [
      JSON.stringify({
        work: { type: 'work', ids: ['url:https://browser.example/c/1'] },
        purposes: { all: 'deny' },
      }),
      '',
      JSON.stringify({
        work: { type: 'voice', ids: ['url:https://browser.example/c/2'] },
        purposes: { train: 'deny' },
      }),
      JSON.stringify({ work: { type: 'work', ids: ['isbn:1'] }, purposes: { all: 'deny' } }),
    ].join('\n');
    await page
      .locator('#catalogue')
      .setInputFiles({ name: 'c.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(jsonl) });
    await page.getByRole('button', { name: '署名して一括公開' }).click();
    await expect.poll(() => page.locator('#import-summary').textContent()).toBe('完了: 受理 2 件、拒否 1 件');
    expect(await page.locator('#import-problems li').allTextContents()).toEqual([
      expect.stringMatching(/^4 行目: /),
    ]);
    expect(
      await page.locator('#import-progress').evaluate((p: HTMLProgressElement) => [p.value, p.max]),
    ).toEqual([3, 3]);

    const csv = [
      'type,ids,title_ja,title_en,train,generate.voice',
      'voice,url:https://browser.example/v/1|url:https://browser.example/v/1b,"声, その一",Voice one,deny,deny',
      'character,url:https://browser.example/ch/1,キャラ,,deny,',
    ].join('\n');
    await page
      .locator('#catalogue')
      .setInputFiles({ name: 'c.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: '署名して一括公開' }).click();
    await expect.poll(() => page.locator('#import-summary').textContent()).toBe('完了: 受理 2 件、拒否 0 件');
    const work = await api(`/v1/works/${encodeURIComponent('url:https://browser.example/v/1b')}`);
    expect(work.records[0].record.work.titles).toEqual({ ja: '声, その一', en: 'Voice one' });
  });

  it('browses the log a page at a time once it holds more than a page', async () => {
    await show('publish');
    await page.locator('#catalogue').waitFor();
    const drafts = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({
        work: { type: 'work', ids: [`url:https://browser.example/many/${i}`] },
        purposes: { all: 'deny' },
      }),
    );
    await page.locator('#catalogue').setInputFiles({
      name: 'many.jsonl',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(drafts.join('\n')),
    });
    await page.getByRole('button', { name: '署名して一括公開' }).click();
    await expect
      .poll(() => page.locator('#import-summary').textContent())
      .toBe('完了: 受理 40 件、拒否 0 件');
    await show('');
    await page.locator('#older').click();
    await expect.poll(() => page.locator('#recent-h + p').textContent()).toMatch(/^ログの 0〜\d+ 番目$/);
    expect(await page.locator('#recent li').count()).toBeGreaterThan(0);
  });

  it('imports a private JWK as `kyodaku keygen` writes it, and refuses one whose x is not the key of d', async () => {
    const other = await browser.newContext({ locale: 'ja-JP' });
    const fresh = await other.newPage();
    await fresh.goto(`${node.url}/#/publish`);
    await fresh.locator('#key-import').waitFor();
    const a = await generateKeyPair();
    const b = await generateKeyPair();
    await fresh
      .getByLabel('鍵を読み込む（秘密 JWK）')
      .fill(JSON.stringify({ ...a.privateJwk, x: b.publicJwk.x }));
    await fresh.getByRole('button', { name: '読み込む' }).click();
    await expect
      .poll(() => fresh.locator('[role="alert"]').textContent())
      .toContain('x is not the public key of d');
    await fresh.getByLabel('鍵を読み込む（秘密 JWK）').fill(JSON.stringify({ ...a.privateJwk, kid: a.kid }));
    await fresh.getByRole('button', { name: '読み込む' }).click();
    await expect.poll(() => fresh.locator('#my-kid').textContent()).toBe(a.kid);
    await other.close();
  });

  it('never sent the private key', async () => {
    const d = await page.evaluate(() => JSON.parse(localStorage.getItem('kyodaku.key')!).d as string);
    expect(d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sent.length).toBeGreaterThan(10);
    expect(sent.filter((s) => s.includes(d))).toEqual([]);
  });
});
