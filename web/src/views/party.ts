/** A party's page: names, role, key, attestations, and its records. */
import type { schemas } from '@kyodaku/client/browser';
import { getJson } from '../api.ts';
import { badge, facts, h, langText } from '../dom.ts';
import { t, word } from '../i18n.ts';
import type { RecordView } from '../objects.ts';
import { recordCard } from './record-card.ts';

export async function partyView(partyId: string): Promise<HTMLElement[]> {
  const view = await getJson<schemas.PartyView>(`/v1/parties/${encodeURIComponent(partyId)}`);
  const list = await getJson<{ records: RecordView[] }>(`/v1/records?issuer=${encodeURIComponent(partyId)}`);
  const p = view.party;
  // A party this node follows: its registration is in another node's log (federation.md REQ-FED-036).
  const origin = (view as { origin?: { origin: string } }).origin;
  const parts: HTMLElement[] = [
    h('h1', { tabindex: '-1' }, t('partyTitle'), ': ', langText(p.names, partyId)),
    facts([
      ['partyId', h('code', {}, view.party_id)],
      ['role', word(p.role)],
      ['status', badge(view.status)],
      [
        'names',
        h(
          'ul',
          {},
          Object.entries(p.names).map(([tag, name]) => h('li', { lang: tag }, name)),
        ),
      ],
      ['key', h('code', {}, p.key.x)],
      origin !== undefined && ['origin', h('code', { id: 'party-origin' }, origin.origin)],
    ]),
    h('h2', {}, t('attestations')),
    view.attestations.length === 0
      ? h('p', {}, t('none'))
      : h(
          'ul',
          { id: 'attestations' },
          view.attestations.map((a) =>
            h(
              'li',
              {},
              `${t('node')} `,
              h('code', {}, a.attestation.node),
              ` ${word(a.attestation.role)} ${a.attestation.issued_at}`,
              a.attestation.expires_at ? ` ${t('expires')} ${a.attestation.expires_at}` : '',
              a.revoked ? [' ', badge('revoked')] : '',
            ),
          ),
        ),
    h('h2', {}, t('recordsOfParty')),
  ];
  if (list.records.length === 0) parts.push(h('p', {}, t('noRecords')));
  for (const record of list.records) parts.push(await recordCard(record));
  return parts;
}
