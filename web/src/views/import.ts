/**
 * Bulk import of a catalogue (JSONL or CSV): every line signed in the browser, sent in batches
 * through POST /v1/publications, one request at a time in file order, with a progress bar and one
 * message per refused line.
 */
import { type schemas, signObject } from '@kyodaku/client/browser';
import { postJson, wellKnown } from '../api.ts';
import { parseCatalogue } from '../catalogue.ts';
import { announce, errorContent, h } from '../dom.ts';
import { t } from '../i18n.ts';
import type { HeldKey } from '../keystore.ts';

/** Objects per request; the node's max_batch_objects when smaller. */
const BATCH = 200;

export function importPanel(held: HeldKey): HTMLElement {
  const file = h('input', {
    type: 'file',
    id: 'catalogue',
    accept: '.jsonl,.ndjson,.json,.csv,text/csv',
    'aria-describedby': 'catalogue-hint',
  });
  const progress = h('progress', { id: 'import-progress', max: '1', value: '0' });
  const summary = h('p', { id: 'import-summary', role: 'status' });
  const problems = h('ul', { id: 'import-problems' });
  const button = h('button', { type: 'submit' }, t('importButton'));
  return h(
    'section',
    { 'aria-labelledby': 'import-h' },
    h('h2', { id: 'import-h' }, t('importTitle')),
    h(
      'form',
      {
        onsubmit: async (event: Event) => {
          event.preventDefault();
          const chosen = file.files?.[0];
          if (chosen === undefined) return;
          button.disabled = true;
          problems.replaceChildren();
          try {
            const counts = await run(held, chosen.name, await chosen.text(), progress, problems);
            summary.textContent = t('importDone', counts);
            announce(summary.textContent);
          } catch (error) {
            summary.replaceChildren(...errorContent(error));
          } finally {
            button.disabled = false;
          }
        },
      },
      h('div', { class: 'field' }, h('label', { for: file.id }, t('importFile')), ' ', file),
      h('p', { class: 'hint', id: 'catalogue-hint' }, t('importHint')),
      button,
    ),
    h('label', { for: progress.id }, t('importProgress')),
    progress,
    summary,
    problems,
  );
}

async function run(
  held: HeldKey,
  name: string,
  text: string,
  progress: HTMLProgressElement,
  problems: HTMLUListElement,
): Promise<{ ok: number; bad: number }> {
  const lines = parseCatalogue(name, text, held.party);
  const limit = Math.min(BATCH, (await wellKnown()).limits.max_batch_objects);
  progress.max = Math.max(lines.length, 1);
  progress.value = 0;
  let ok = 0;
  let bad = 0;
  const refuse = (line: number, why: string) => {
    bad++;
    problems.append(h('li', {}, t('lineError', { line, message: why })));
  };
  for (let start = 0; start < lines.length; start += limit) {
    const batch: Array<{ line: number; jws: string }> = [];
    for (const entry of lines.slice(start, start + limit)) {
      if ('error' in entry) refuse(entry.line, entry.error);
      else if ('jws' in entry) batch.push(entry);
      else
        batch.push({ line: entry.line, jws: (await signObject('record', entry.payload, held.signer)).jws });
    }
    if (batch.length > 0) {
      const answer = await postJson<schemas.PublicationResponse>('/v1/publications', {
        objects: batch.map((b) => b.jws),
      });
      answer.results.forEach((result, i) => {
        if (result.status === 201) ok++;
        else
          refuse(
            batch[i]!.line,
            (result as { problem: { title?: string; detail?: string } }).problem.detail ??
              String(result.status),
          );
      });
    }
    progress.value = Math.min(start + limit, lines.length);
  }
  return { ok, bad };
}
