/** The public page of a label for people (`GET /v1/labels/{number}` with Accept: text/html). */
import type { schemas } from '@kyodaku/client';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The label as a small public page for people (the JSON is the same URL without Accept: text/html). */
/** Why a label was revoked, from its revocation's `reason` (spec/usage.md REQ-USAGE-022, REQ-USAGE-024). */
const REASONS: Record<string, string> = {
  withdrawn: 'a cited record was revoked or superseded',
  unattested: "a cited record's issuer is no longer attested",
  compromised: 'a cited record was signed with a key declared compromised',
};

function revokedBecause(revocation: string | undefined): string {
  if (revocation === undefined) return '';
  const payload = JSON.parse(Buffer.from(revocation.split('.')[1] ?? '', 'base64url').toString()) as {
    reason?: string;
    record?: string;
  };
  const why = payload.reason === undefined ? undefined : REASONS[payload.reason];
  return why === undefined ? '' : `: ${why} (${payload.record})`;
}

export function labelPage(view: schemas.LabelView): string {
  const l = view.label;
  const rows: Array<[string, string]> = [
    ['Certificate number', l.number],
    [
      'Status',
      view.status + (view.revoked_at ? ` (since ${view.revoked_at}${revokedBecause(view.revocation)})` : ''),
    ],
    ['Service', `${l.subject.name} ${l.subject.version} (${l.subject.type})`],
    ['Declarant', l.declarant],
    ['Purposes', l.scope.purposes.join(', ')],
    ['Items', String(l.scope.items)],
    ...(l.scope.origins === undefined
      ? []
      : [['Records followed from', l.scope.origins.join(', ')] as [string, string]]),
    ['Valid', `${l.valid_from} – ${l.valid_until}`],
    ['Declaration', l.declaration],
    ['Signed by node key', l.node],
  ];
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Kyodaku label ${escapeHtml(l.number)}</title><h1>Kyodaku label ${escapeHtml(l.number)}</h1><dl>${rows
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
    .join(
      '',
    )}</dl><p>Verify offline: <code>kyodaku label verify</code> with this label's JWS.</p><pre>${escapeHtml(view.jws)}</pre></html>`;
}
