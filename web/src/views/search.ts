/** The start page: search by name or identifier, and the latest records of the node's log. */
import { objectIdOf, type schemas, tryNormalizeIdentifier } from '@kyodaku/client/browser';
import { ApiError, getJson, getText, postJson } from '../api.ts';
import { badge, errorBox, h, idLink, langText } from '../dom.ts';
import { t, word } from '../i18n.ts';
import { checkpointSize, payloadOf } from '../objects.ts';

const RECORD_ID = /^[0-9a-f]{64}$/;
const PARTY_ID = /^[A-Za-z0-9_-]{43}$/;
const RECENT = 50;

export const workHref = (id: string) => `#/work/${encodeURIComponent(id)}`;

/** `before`: browse the log's records below that index (the latest without it). */
export async function searchView(query: string, before: string | null = null): Promise<HTMLElement[]> {
  const input = h('input', {
    type: 'search',
    id: 'q',
    name: 'q',
    value: query,
    'aria-describedby': 'q-hint',
    autocomplete: 'off',
  });
  const form = h(
    'form',
    {
      class: 'inline',
      role: 'search',
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = `#/?q=${encodeURIComponent(input.value.trim())}`;
      },
    },
    h('div', { class: 'grow' }, h('label', { for: 'q' }, t('searchLabel')), input),
    h('button', { type: 'submit' }, t('searchButton')),
  );
  const parts: HTMLElement[] = [
    h('h1', { tabindex: '-1' }, t('searchTitle')),
    form,
    h('p', { id: 'q-hint', class: 'hint muted' }, t('searchHint')),
  ];
  if (query !== '') parts.push(await results(query));
  parts.push(await recentRecords(before === null ? undefined : Number(before)));
  return parts;
}

/** The identifier a query names: `scheme:value`, or a bare URL or ISBN with its scheme added. */
function identifierOf(query: string): string | undefined {
  if (/^https?:\/\//i.test(query)) return tryNormalizeIdentifier(`url:${query}`);
  if (/^(97[89])?[0-9][0-9-]{8,15}[0-9Xx]$/.test(query)) return tryNormalizeIdentifier(`isbn:${query}`);
  return query.includes(':') ? tryNormalizeIdentifier(query) : undefined;
}

async function results(query: string): Promise<HTMLElement> {
  const section = h(
    'section',
    { 'aria-labelledby': 'results-h', 'data-query': query },
    h('h2', { id: 'results-h' }, t('searchResults')),
  );
  const items: HTMLElement[] = [];
  if (RECORD_ID.test(query))
    items.push(h('li', {}, t('recordTitle'), ' ', idLink(`#/record/${query}`, query)));
  if (PARTY_ID.test(query)) items.push(h('li', {}, t('partyTitle'), ' ', idLink(`#/party/${query}`, query)));
  const id = identifierOf(query);
  if (id !== undefined) items.push(h('li', {}, t('workTitle'), ' ', h('a', { href: workHref(id) }, id)));
  if (items.length === 0) {
    try {
      items.push(...(await nameMatches(query)), ...(await partyMatches(query)));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        section.append(h('p', {}, t('searchNamesUnavailable')));
        return section;
      }
      section.append(errorBox(error));
      return section;
    }
  }
  section.append(items.length === 0 ? h('p', {}, t('searchNoMatch')) : h('ul', { id: 'results' }, items));
  return section;
}

/** Names found by the node's prompt check: the same match keys (NFKC, kana folding) as generation checks. */
async function nameMatches(query: string): Promise<HTMLElement[]> {
  const answer = await postJson<schemas.PromptCheckResponse>('/v1/prompt-checks', {
    text: query,
    purposes: ['all'],
  });
  const seen = new Set<string>();
  const items: HTMLElement[] = [];
  for (const match of answer.matches) {
    const first = match.item.ids[0]!;
    if (seen.has(first)) continue;
    seen.add(first);
    items.push(
      h(
        'li',
        {},
        h('a', { href: workHref(first), lang: match.lang }, match.name),
        ' ',
        h('span', { class: 'muted' }, `(${word(match.item.type)}, ${first})`),
        ' ',
        badge(match.decision),
      ),
    );
  }
  return items;
}

/** Parties with a name containing the query, folded as prompt checks fold names (REQ-API-102). */
async function partyMatches(query: string): Promise<HTMLElement[]> {
  if (query.length > 200) return [];
  const found = await getJson<schemas.PartyList>(`/v1/parties?name=${encodeURIComponent(query)}`);
  return found.parties.map((p) =>
    h(
      'li',
      {},
      t('partyTitle'),
      ' ',
      h('a', { href: `#/party/${p.party_id}` }, langText(p.party.names, p.party_id)),
      ' ',
      h('span', { class: 'muted' }, `(${word(p.party.role)})`),
    ),
  );
}

async function recentRecords(before: number | undefined): Promise<HTMLElement> {
  const section = h(
    'section',
    { 'aria-labelledby': 'recent-h' },
    h('h2', { id: 'recent-h' }, t('recentRecords')),
  );
  try {
    const size = checkpointSize(await getText('/v1/log/checkpoint'));
    const end =
      before !== undefined && Number.isSafeInteger(before) && before >= 0 && before < size ? before : size;
    const start = Math.max(0, end - RECENT);
    const after = start > 0 ? `&after=${start - 1}` : '';
    const page = await getJson<{ entries: Array<{ index: number; jws: string }> }>(
      `/v1/log/entries?limit=${end - start || 1}${after}`,
    );
    const rows: HTMLElement[] = [];
    for (const entry of [...page.entries].reverse()) {
      const payload = payloadOf(entry.jws);
      if (payload?.kind !== 'record') continue;
      const record = payload as unknown as schemas.RecordView['record'];
      const id = await objectIdOf(entry.jws);
      rows.push(
        h(
          'li',
          {},
          h('a', { href: `#/record/${id}` }, langText(record.work.titles, record.work.ids[0])),
          ' ',
          h('span', { class: 'muted' }, `(${word(record.work.type)})`),
          ' ',
          h('a', { href: workHref(record.work.ids[0]!), class: 'mono' }, record.work.ids[0]!),
        ),
      );
    }
    section.append(
      h('p', { class: 'muted' }, t('logRange', { from: start, to: Math.max(start, end - 1) })),
      rows.length === 0 ? h('p', {}, t('noRecords')) : h('ul', { id: 'recent' }, rows),
    );
    if (start > 0)
      section.append(h('p', {}, h('a', { href: `#/?before=${start}`, id: 'older' }, t('olderEntries'))));
  } catch (error) {
    section.append(errorBox(error));
  }
  return section;
}
