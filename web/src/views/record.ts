/** A record's page: the record, its signed bytes, and verification in the browser. */
import { getJson } from '../api.ts';
import { h } from '../dom.ts';
import { t } from '../i18n.ts';
import type { RecordView } from '../objects.ts';
import { recordCard } from './record-card.ts';
import { verifierPanel } from './verify.ts';

export async function recordPage(id: string): Promise<HTMLElement[]> {
  const view = await getJson<RecordView>(`/v1/records/${encodeURIComponent(id)}`);
  return [
    h('h1', { tabindex: '-1' }, t('recordTitle')),
    await recordCard(view, 'h2'),
    h('h2', {}, t('verifyThis')),
    await verifierPanel(view.jws),
  ];
}
