/** A work's page: the current decision per purpose, every record naming it, and their history. */
import { PURPOSE_LEAVES, type schemas } from '@kyodaku/client/browser';
import { getJson } from '../api.ts';
import { badge, errorBox, h, idLink } from '../dom.ts';
import { purposeName, t, word } from '../i18n.ts';
import type { RecordView } from '../objects.ts';
import { recordCard } from './record-card.ts';

export async function workView(identifier: string): Promise<HTMLElement[]> {
  const id = encodeURIComponent(identifier);
  const work = await getJson<schemas.WorkView & { records: RecordView[] }>(`/v1/works/${id}`);
  const parts: HTMLElement[] = [
    h('h1', { tabindex: '-1' }, t('workTitle'), ': ', h('code', {}, work.id)),
    await decisions(work.id),
  ];
  const records = h(
    'section',
    { 'aria-labelledby': 'records-h' },
    h('h2', { id: 'records-h' }, t('recordsTitle')),
  );
  if (work.records.length === 0) records.append(h('p', {}, t('noRecords')));
  for (const view of work.records) records.append(await recordCard(view));
  parts.push(records, history(work.records));
  return parts;
}

async function decisions(id: string): Promise<HTMLElement> {
  const section = h(
    'section',
    { 'aria-labelledby': 'decisions-h' },
    h('h2', { id: 'decisions-h' }, t('decisionsTitle')),
  );
  try {
    const answer = await getJson<schemas.DecisionResponse>(
      `/v1/decision?id=${encodeURIComponent(id)}&purpose=all`,
    );
    const leaves = answer.leaves ?? {};
    section.append(
      h(
        'table',
        { id: 'decisions' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, t('purpose')),
            h('th', { scope: 'col' }, t('decision')),
            h('th', { scope: 'col' }, t('reason')),
            h('th', { scope: 'col' }, t('recordsTitle')),
          ),
        ),
        h(
          'tbody',
          {},
          PURPOSE_LEAVES.map((leaf) => {
            const d = leaves[leaf];
            return h(
              'tr',
              { 'data-purpose': leaf },
              h('th', { scope: 'row' }, purposeName(leaf), ' ', h('code', {}, leaf)),
              h('td', {}, d ? badge(d.decision) : '', d?.disputed ? [' ', badge('disputed')] : ''),
              h(
                'td',
                {},
                (d?.reasons ?? []).map((r) => word(typeof r === 'string' ? r : String(r))).join(', '),
              ),
              h(
                'td',
                {},
                (d?.records ?? []).flatMap((r) => [idLink(`#/record/${r}`, r), ' ']),
              ),
            );
          }),
        ),
      ),
    );
  } catch (error) {
    section.append(errorBox(error));
  }
  return section;
}

/** Every record of the work in the order issued, with what superseded or revoked it. */
function history(records: RecordView[]): HTMLElement {
  const ordered = [...records].sort((a, b) => a.record.issued_at.localeCompare(b.record.issued_at));
  return h(
    'section',
    { 'aria-labelledby': 'history-h' },
    h('h2', { id: 'history-h' }, t('historyTitle')),
    h(
      'ol',
      { id: 'history' },
      ordered.map((v) =>
        h(
          'li',
          {},
          h('time', { datetime: v.record.issued_at }, v.record.issued_at),
          ' ',
          badge(v.status),
          ' ',
          idLink(`#/record/${v.id}`, v.id),
          v.superseded_by ? [' → ', idLink(`#/record/${v.superseded_by}`, v.superseded_by)] : '',
        ),
      ),
    ),
  );
}
