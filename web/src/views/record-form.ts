/** The form of a consent record (create, or supersede a record it is filled from) and its payload. */
import { createRecord, PURPOSES, type schemas } from '@kyodaku/client/browser';
import { errorContent, h } from '../dom.ts';
import { type MessageKey, purposeName, t, word } from '../i18n.ts';

type Record_ = schemas.RecordView['record'];
const WORK_TYPES = ['work', 'character', 'voice', 'likeness'] as const;
const VALUES: Array<[string, MessageKey]> = [
  ['', 'unset'],
  ['allow', 'allow'],
  ['deny', 'deny'],
  ['conditional', 'conditionalValue'],
];
const MODELS = ['', 'free', 'flat-fee', 'per-use', 'revenue-share'];

function field(id: string, label: MessageKey, control: HTMLElement, hint?: string): HTMLElement {
  control.id = id;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, t(label)),
    control,
    hint ? h('p', { class: 'hint' }, hint) : '',
  );
}

function input(value = ''): HTMLInputElement {
  const el = h('input', { type: 'text' });
  el.value = value;
  return el;
}

function textarea(value = ''): HTMLTextAreaElement {
  const el = h('textarea', { rows: '3' });
  el.value = value;
  return el;
}

function select(options: Array<[value: string, label: string]>, value = ''): HTMLSelectElement {
  const el = h(
    'select',
    {},
    options.map(([v, label]) => h('option', { value: v }, label)),
  );
  el.value = value;
  return el;
}

/** `{ja, en}` from two text fields, without the empty ones; undefined when both are empty. */
function bilingual(ja: HTMLInputElement, en: HTMLInputElement): Record<string, string> | undefined {
  const text: Record<string, string> = {};
  if (ja.value.trim()) text.ja = ja.value.trim();
  if (en.value.trim()) text.en = en.value.trim();
  return Object.keys(text).length > 0 ? text : undefined;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((x) => x.trim())
    .filter((x) => x !== '');

/**
 * The record form; `onSign` gets the payload built from it (validated by the library's builder,
 * which throws with the field at fault). `from` fills it for a supersession.
 */
export function recordForm(
  prefix: string,
  iss: string,
  from: { id: string; record: Record_ } | undefined,
  submitLabel: MessageKey,
  onSign: (payload: Record_) => Promise<void>,
): HTMLFormElement {
  const r = from?.record;
  const type = select(
    WORK_TYPES.map((x) => [x, word(x)]),
    r?.work.type ?? 'work',
  );
  const ids = textarea(r?.work.ids.join('\n'));
  const titleJa = input(r?.work.titles?.ja);
  const titleEn = input(r?.work.titles?.en);
  const aliases = textarea(r?.work.aliases?.ja?.join('\n'));
  const purposeSelects = PURPOSES.map((p) => {
    const el = select(
      VALUES.map(([v, label]) => [v, t(label)]),
      (r?.purposes as Record<string, string> | undefined)?.[p] ?? '',
    );
    el.id = `${prefix}-purpose-${p.replace('.', '-')}`;
    el.dataset.purpose = p;
    return el;
  });
  const attribution = input(r?.conditions?.attribution?.text?.ja);
  const attributionEn = input(r?.conditions?.attribution?.text?.en);
  const model = select(
    MODELS.map((m) => [m, m === '' ? t('unset') : m]),
    r?.conditions?.compensation?.model ?? '',
  );
  const amount = input(r?.conditions?.compensation?.amount);
  const currency = input(r?.conditions?.compensation?.currency ?? 'JPY');
  const note = input(r?.conditions?.note?.ja);
  const noteEn = input(r?.conditions?.note?.en);
  const territory = input(r?.conditions?.territory?.join(', '));
  const status = h('p', { role: 'status', class: 'form-status' });

  function payload(): Record_ {
    const titles: Record<string, string> = {};
    if (titleJa.value.trim()) titles.ja = titleJa.value.trim();
    if (titleEn.value.trim()) titles.en = titleEn.value.trim();
    const purposes: Record<string, string> = {};
    for (const el of purposeSelects) if (el.value !== '') purposes[el.dataset.purpose!] = el.value;
    const conditions: Record<string, unknown> = {};
    const attributionText = bilingual(attribution, attributionEn);
    if (attributionText !== undefined) conditions.attribution = { required: true, text: attributionText };
    if (model.value !== '') {
      conditions.compensation = {
        model: model.value,
        ...(amount.value.trim() && { amount: amount.value.trim(), currency: currency.value.trim() }),
      };
    }
    const noteText = bilingual(note, noteEn);
    if (noteText !== undefined) conditions.note = noteText;
    const countries = territory.value
      .split(/[,\s]+/)
      .map((x) => x.trim().toUpperCase())
      .filter((x) => x !== '');
    if (countries.length > 0) conditions.territory = countries;
    const aliasList = lines(aliases.value);
    return createRecord({
      iss,
      work: {
        type: type.value as Record_['work']['type'],
        ids: lines(ids.value),
        ...(Object.keys(titles).length > 0 && { titles }),
        ...(aliasList.length > 0 && { aliases: { ja: aliasList } }),
      },
      purposes: purposes as Record_['purposes'],
      ...(Object.keys(conditions).length > 0 && { conditions: conditions as Record_['conditions'] }),
      ...(from !== undefined && { supersedes: from.id }),
    });
  }

  return h(
    'form',
    {
      class: 'record-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        status.textContent = t('loading');
        status.className = 'form-status';
        try {
          await onSign(payload());
          status.textContent = '';
        } catch (error) {
          status.replaceChildren(...errorContent(error));
          status.className = 'form-status bad';
          status.setAttribute('role', 'alert');
        }
      },
    },
    field(`${prefix}-type`, 'workType', type),
    field(`${prefix}-ids`, 'workIds', ids, 'isbn:9784…, url:https://…, kyodaku:…'),
    field(`${prefix}-title-ja`, 'titleJa', titleJa),
    field(`${prefix}-title-en`, 'titleEn', titleEn),
    field(`${prefix}-aliases`, 'aliases', aliases),
    h(
      'fieldset',
      {},
      h('legend', {}, t('purposesTitle')),
      h(
        'table',
        {},
        h(
          'tbody',
          {},
          purposeSelects.map((el) =>
            h(
              'tr',
              {},
              h(
                'th',
                { scope: 'row' },
                h(
                  'label',
                  { for: el.id },
                  purposeName(el.dataset.purpose!),
                  ' ',
                  h('code', {}, el.dataset.purpose!),
                ),
              ),
              h('td', {}, el),
            ),
          ),
        ),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('conditions')),
      field(`${prefix}-attribution`, 'attributionText', attribution),
      field(`${prefix}-attribution-en`, 'attributionTextEn', attributionEn),
      field(`${prefix}-model`, 'compensationModel', model),
      field(`${prefix}-amount`, 'amount', amount),
      field(`${prefix}-currency`, 'currency', currency),
      field(`${prefix}-territory`, 'territory', territory, 'JP, US, …'),
      field(`${prefix}-note`, 'noteText', note),
      field(`${prefix}-note-en`, 'noteTextEn', noteEn),
    ),
    h('button', { type: 'submit' }, t(submitLabel)),
    status,
  );
}
