/**
 * The publish page: the key held in this browser (generate, import, export, forget), registering
 * the key's party, creating records, and superseding or revoking the party's records; every object is
 * signed here and only the signed JWS is sent.
 */
import { createParty, createRevocation, type schemas, signObject } from '@kyodaku/client/browser';
import { ApiError, getJson, postJws } from '../api.ts';
import { announce, badge, errorBox, h, idLink, langText } from '../dom.ts';
import { t, word } from '../i18n.ts';
import { forgetKey, generateKey, type HeldKey, heldKey, importKey } from '../keystore.ts';
import type { RecordView } from '../objects.ts';
import { importPanel } from './import.ts';
import { recordForm } from './record-form.ts';

const rerender = () => window.dispatchEvent(new HashChangeEvent('hashchange'));

export async function publishView(): Promise<HTMLElement[]> {
  const held = await heldKey();
  const parts: HTMLElement[] = [
    h('h1', { tabindex: '-1' }, t('publishTitle')),
    h('p', {}, t('publishIntro')),
    keyPanel(held),
  ];
  if (held === undefined) return parts;
  const party = await getJson<schemas.PartyView>(`/v1/parties/${held.party}`).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  });
  if (party === undefined) {
    parts.push(registerPanel(held));
    return parts;
  }
  parts.push(
    h(
      'p',
      { id: 'party-status' },
      t('partyTitle'),
      ': ',
      langText(party.party.names),
      ' ',
      badge(party.status),
    ),
    h(
      'section',
      { 'aria-labelledby': 'create-h' },
      h('h2', { id: 'create-h' }, t('createTitle')),
      recordForm('create', held.party, undefined, 'publishButton', async (payload) =>
        published(await sign(held, payload)),
      ),
    ),
    await myRecords(held),
    importPanel(held),
  );
  return parts;
}

async function sign(held: HeldKey, payload: schemas.RecordView['record']): Promise<schemas.RecordView> {
  const signed = await signObject('record', payload, held.signer);
  return postJws<schemas.RecordView>('/v1/records', signed.jws);
}

function published(view: { id: string }): void {
  announce(t('published'));
  location.hash = `#/record/${view.id}`;
}

function keyPanel(held: HeldKey | undefined): HTMLElement {
  const section = h('section', { 'aria-labelledby': 'key-h' }, h('h2', { id: 'key-h' }, t('keyTitle')));
  if (held === undefined) {
    const jwk = h('textarea', { id: 'key-import', rows: '3', class: 'mono', spellcheck: 'false' });
    const party = h('input', { type: 'text', id: 'key-import-party', class: 'mono', spellcheck: 'false' });
    const out = h('div', {});
    section.append(
      h('p', {}, t('keyNone')),
      h(
        'button',
        {
          type: 'button',
          id: 'key-generate',
          onclick: async () => {
            await generateKey();
            rerender();
          },
        },
        t('keyGenerate'),
      ),
      h(
        'form',
        {
          onsubmit: async (event: Event) => {
            event.preventDefault();
            try {
              await importKey(jwk.value, party.value.trim() || undefined);
              rerender();
            } catch (error) {
              out.replaceChildren(errorBox(error));
            }
          },
        },
        h('div', { class: 'field' }, h('label', { for: 'key-import' }, t('keyImport')), jwk),
        h('div', { class: 'field' }, h('label', { for: party.id }, t('keyImportParty')), party),
        h('button', { type: 'submit' }, t('keyImportButton')),
        out,
      ),
    );
    return section;
  }
  const blob = URL.createObjectURL(new Blob([JSON.stringify(held.jwk)], { type: 'application/json' }));
  section.append(
    h('p', {}, t('partyId'), ': ', h('code', { id: 'my-kid' }, held.party)),
    held.party === held.kid ? '' : h('p', {}, t('keyId'), ': ', h('code', { id: 'my-key-id' }, held.kid)),
    h('p', {}, h('a', { href: blob, download: `kyodaku-${held.kid.slice(0, 8)}.jwk.json` }, t('keyExport'))),
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          if (confirm(t('keyForget'))) {
            forgetKey();
            rerender();
          }
        },
      },
      t('keyForget'),
    ),
  );
  return section;
}

function registerPanel(held: HeldKey): HTMLElement {
  const ja = h('input', { type: 'text', id: 'party-name-ja', required: true });
  const en = h('input', { type: 'text', id: 'party-name-en' });
  const role = h(
    'select',
    { id: 'party-role' },
    ['rights-holder', 'performer', 'agency'].map((r) => h('option', { value: r }, word(r))),
  );
  const out = h('div', {});
  return h(
    'section',
    { 'aria-labelledby': 'register-h' },
    h('h2', { id: 'register-h' }, t('registerTitle')),
    h(
      'form',
      {
        onsubmit: async (event: Event) => {
          event.preventDefault();
          try {
            const names: Record<string, string> = { ja: ja.value.trim() };
            if (en.value.trim()) names.en = en.value.trim();
            const payload = createParty({
              key: { kty: 'OKP', crv: 'Ed25519', x: held.jwk.x },
              role: role.value as 'rights-holder',
              names,
            });
            await postJws('/v1/parties', (await signObject('party', payload, held.signer)).jws);
            announce(t('registered'));
            rerender();
          } catch (error) {
            out.replaceChildren(errorBox(error));
          }
        },
      },
      h('div', { class: 'field' }, h('label', { for: ja.id }, t('nameJa')), ja),
      h('div', { class: 'field' }, h('label', { for: en.id }, t('nameEn')), en),
      h('div', { class: 'field' }, h('label', { for: role.id }, t('role')), role),
      h('button', { type: 'submit' }, t('registerButton')),
      out,
    ),
  );
}

async function myRecords(held: HeldKey): Promise<HTMLElement> {
  const list = await getJson<{ records: RecordView[] }>(`/v1/records?issuer=${held.party}`);
  const section = h('section', { 'aria-labelledby': 'mine-h' }, h('h2', { id: 'mine-h' }, t('myRecords')));
  const current = list.records.filter((v) => v.status === 'current' || v.status === 'pending');
  if (current.length === 0) section.append(h('p', {}, t('noRecords')));
  for (const view of current) section.append(myRecord(held, view));
  return section;
}

function myRecord(held: HeldKey, view: RecordView): HTMLElement {
  const slot = h('div', {});
  const reason = h('input', { type: 'text', id: `reason-${view.id}` });
  const out = h('div', {});
  return h(
    'article',
    { class: 'card', 'data-record': view.id },
    h('h3', {}, langText(view.record.work.titles, view.record.work.ids[0]), ' ', badge(view.status)),
    h('p', {}, idLink(`#/record/${view.id}`, view.id)),
    h(
      'button',
      {
        type: 'button',
        onclick: () =>
          slot.replaceChildren(
            h('h4', {}, t('supersedeTitle')),
            recordForm(`sup-${view.id.slice(0, 8)}`, held.party, view, 'supersedeButton', async (payload) =>
              published(await sign(held, payload)),
            ),
          ),
      },
      t('supersedeButton'),
    ),
    h(
      'form',
      {
        class: 'inline',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          try {
            const revocation = createRevocation({
              iss: held.party,
              record: view.id,
              ...(reason.value.trim() && { reason: reason.value.trim() }),
            });
            await postJws('/v1/revocations', (await signObject('revocation', revocation, held.signer)).jws);
            announce(t('revokedDone'));
            location.hash = `#/record/${view.id}`;
          } catch (error) {
            out.replaceChildren(errorBox(error));
          }
        },
      },
      h('div', { class: 'grow' }, h('label', { for: reason.id }, t('revokeReason')), reason),
      h('button', { type: 'submit' }, t('revokeButton')),
    ),
    out,
    slot,
  );
}
