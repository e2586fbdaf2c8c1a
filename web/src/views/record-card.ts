/** One consent record as the work, party and record pages show it: work, purposes, conditions, holder. */
import type { schemas } from '@kyodaku/client/browser';
import { getJson, wellKnown } from '../api.ts';
import { badge, type Child, facts, h, idLink, langText } from '../dom.ts';
import { purposeName, t, word } from '../i18n.ts';
import type { RecordView } from '../objects.ts';

const workHref = (id: string) => `#/work/${encodeURIComponent(id)}`;

type Conditions = NonNullable<schemas.RecordView['record']['conditions']>;

function conditionsList(c: Conditions | undefined): Child {
  if (c === undefined) return t('none');
  return facts([
    c.attribution !== undefined && [
      'attribution',
      [c.attribution.required ? t('required') : '', ' ', langText(c.attribution.text)],
    ],
    c.compensation !== undefined && [
      'compensation',
      [
        c.compensation.model,
        c.compensation.amount ? ` ${c.compensation.amount} ${c.compensation.currency ?? ''}` : '',
      ],
    ],
    c.territory !== undefined && ['territory', c.territory.join(', ')],
    c.note !== undefined && ['note', langText(c.note)],
    c.contact !== undefined && ['contact', c.contact.email ?? c.contact.url ?? ''],
  ]);
}

export function purposesTable(purposes: Record<string, string>): HTMLTableElement {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, t('purpose')), h('th', { scope: 'col' }, t('decision'))),
    ),
    h(
      'tbody',
      {},
      Object.entries(purposes).map(([purpose, value]) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, purposeName(purpose), ' ', h('code', {}, purpose)),
          h('td', {}, badge(value)),
        ),
      ),
    ),
  );
}

/** The holder of a record: its party's names, attestation status and attestations. */
export function holderFacts(party: schemas.PartyView | undefined, iss: string): HTMLElement {
  if (party === undefined) return h('span', {}, idLink(`#/party/${iss}`, iss));
  return h(
    'div',
    { class: 'holder' },
    h('a', { href: `#/party/${iss}` }, langText(party.party.names, iss)),
    ' ',
    badge(party.status),
    h(
      'ul',
      { class: 'attestations', 'aria-label': t('attestations') },
      party.attestations.map((a) =>
        h(
          'li',
          {},
          `${t('attestations')}: ${t('node')} `,
          h('code', { title: a.attestation.node }, `${a.attestation.node.slice(0, 12)}…`),
          ` ${word(a.attestation.role)}, ${a.attestation.issued_at}`,
          a.attestation.expires_at ? `, ${t('expires')} ${a.attestation.expires_at}` : '',
          a.revoked ? [' ', badge('revoked')] : '',
        ),
      ),
    ),
  );
}

const partyCache = new Map<string, Promise<schemas.PartyView | undefined>>();

export function partyOf(iss: string): Promise<schemas.PartyView | undefined> {
  let found = partyCache.get(iss);
  if (found === undefined) {
    found = getJson<schemas.PartyView>(`/v1/parties/${iss}`).catch(() => undefined);
    partyCache.set(iss, found);
  }
  return found;
}

export async function recordCard(view: RecordView, headingLevel: 'h2' | 'h3' = 'h3'): Promise<HTMLElement> {
  const r = view.record;
  const [party, meta] = await Promise.all([partyOf(r.iss), wellKnown()]);
  return h(
    'article',
    { class: 'card record', 'data-record': view.id },
    h(headingLevel, {}, langText(r.work.titles, r.work.ids[0]), ' ', badge(view.status)),
    facts([
      ['type', word(r.work.type)],
      [
        'identifiers',
        h(
          'ul',
          {},
          r.work.ids.map((id) => h('li', {}, h('a', { href: workHref(id), class: 'mono' }, id))),
        ),
      ],
      ['holder', holderFacts(party, r.iss)],
      ['issuedAt', r.issued_at],
      ['validFrom', r.valid_from],
      r.valid_until !== undefined && ['validUntil', r.valid_until],
      r.supersedes !== undefined && ['supersedes', idLink(`#/record/${r.supersedes}`, r.supersedes)],
      view.superseded_by !== undefined && [
        'supersededBy',
        idLink(`#/record/${view.superseded_by}`, view.superseded_by),
      ],
      view.revoked_by !== undefined && [
        'revokedBy',
        [view.revoked_at ?? '', ' ', view.revoked_by.slice(0, 16)],
      ],
      ['origin', h('code', {}, view.origin ?? meta.log?.origin ?? meta.node.origin)],
      view.log !== undefined && ['logIndex', String(view.log.index)],
      ['recordTitle', idLink(`#/record/${view.id}`, view.id)],
    ]),
    purposesTable(r.purposes as Record<string, string>),
    h('h4', {}, t('conditions')),
    conditionsList(r.conditions),
  );
}
