/** The verify page and panel: paste or upload a JWS, give the log's verifier key, see every check. */
import { wellKnown } from '../api.ts';
import { announce, h } from '../dom.ts';
import { t } from '../i18n.ts';
import { type Check, verifyJws } from '../verification.ts';

let panels = 0;

export async function verifierPanel(initial = ''): Promise<HTMLElement> {
  const n = ++panels;
  const meta = await wellKnown();
  const text = h('textarea', { id: `jws-${n}`, rows: '6', spellcheck: 'false', class: 'mono' });
  text.value = initial;
  const vkey = h('input', {
    type: 'text',
    id: `vkey-${n}`,
    class: 'mono',
    'aria-describedby': `vkey-hint-${n}`,
  });
  vkey.value = meta.log?.verifier_key ?? '';
  const file = h('input', {
    type: 'file',
    id: `file-${n}`,
    accept: '.jws,.txt,.json,text/plain,application/jose,application/json',
    onchange: async () => {
      const chosen = file.files?.[0];
      if (chosen !== undefined) text.value = jwsOfUpload(await chosen.text());
    },
  });
  const out = h('div', { class: 'verify-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      class: 'verify',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        out.replaceChildren(h('p', {}, t('loading')));
        const checks = await verifyJws(jwsOfUpload(text.value), vkey.value.trim());
        out.replaceChildren(report(checks));
        announce(checks.every((c) => c.ok) ? t('verifiedAll') : t('verifyFailed'));
      },
    },
    h('div', { class: 'field' }, h('label', { for: text.id }, t('verifyInput')), text),
    h('div', { class: 'field' }, h('label', { for: file.id }, t('verifyFile')), ' ', file),
    h(
      'div',
      { class: 'field' },
      h('label', { for: vkey.id }, t('verifyVkey')),
      vkey,
      h('p', { class: 'hint', id: `vkey-hint-${n}` }, t('verifyVkeyHint')),
    ),
    h('button', { type: 'submit' }, t('verifyButton')),
  );
  return h('div', {}, form, out);
}

/** A decision answer with a receipt (JSON) gives its receipt; anything else is taken as a JWS. */
function jwsOfUpload(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const value = JSON.parse(trimmed) as { receipt?: unknown; jws?: unknown };
    if (typeof value.receipt === 'string') return value.receipt;
    if (typeof value.jws === 'string') return value.jws;
  } catch {
    // Not JSON: verification says what is wrong with it.
  }
  return trimmed;
}

function report(checks: Check[]): HTMLElement {
  const all = checks.every((c) => c.ok);
  return h(
    'div',
    {},
    h('p', { class: all ? 'ok' : 'bad', id: 'verify-summary' }, all ? t('verifiedAll') : t('verifyFailed')),
    h(
      'ul',
      { class: 'checks' },
      checks.map((c) =>
        h(
          'li',
          { 'data-check': c.label, 'data-ok': String(c.ok) },
          h('span', { class: c.ok ? 'ok' : 'bad' }, c.ok ? `✓ ${t('checkPassed')}` : `✗ ${t('checkFailed')}`),
          ' ',
          h('strong', {}, t(c.label)),
          ': ',
          h('span', { class: 'mono' }, c.detail),
        ),
      ),
    ),
  );
}

export async function verifyView(): Promise<HTMLElement[]> {
  return [h('h1', { tabindex: '-1' }, t('verifyTitle')), h('p', {}, t('verifyIntro')), await verifierPanel()];
}
