/** /openapi.json and /docs: a self-contained HTML reference generated from the same OpenAPI document. */
import { Hono } from 'hono';
import { buildOpenApi } from './openapi.ts';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type Op = {
  summary?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string }>;
  requestBody?: { content: Record<string, { schema?: { $ref?: string } }> };
  responses: Record<
    string,
    { description?: string; $ref?: string; content?: Record<string, { schema?: { $ref?: string } }> }
  >;
};

const refName = (ref?: string) => (ref ? ref.split('/').pop()! : '');
const link = (name: string) => (name ? `<a href="#schema-${name}">${name}</a>` : '');

export function renderDocs(doc: ReturnType<typeof buildOpenApi>): string {
  const paths = doc.paths as Record<string, Record<string, Op>>;
  const components = (doc.components as { schemas: Record<string, unknown> }).schemas;
  const info = doc.info as { title: string; version: string; summary: string };
  const ops: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? [])
        .map(
          (p) =>
            `<li><code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ', required' : ''}) ${escapeHtml(p.description ?? '')}</li>`,
        )
        .join('');
      const body = Object.entries(op.requestBody?.content ?? {})
        .map(([type, m]) => `<code>${type}</code> ${link(refName(m.schema?.$ref))}`)
        .join(', ');
      const responses = Object.entries(op.responses)
        .map(([status, r]) => {
          const schema = r.$ref
            ? 'Problem (application/problem+json)'
            : link(refName(Object.values(r.content ?? {})[0]?.schema?.$ref));
          return `<li><b>${status}</b> ${schema.startsWith('Problem') ? link('Problem') : schema} ${escapeHtml(r.description ?? '')}</li>`;
        })
        .join('');
      ops.push(
        `<section class="op"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3><p>${escapeHtml(op.summary ?? '')}</p>` +
          (params ? `<h4>Parameters</h4><ul>${params}</ul>` : '') +
          (body ? `<h4>Body</h4><p>${body}</p>` : '') +
          `<h4>Responses</h4><ul>${responses}</ul></section>`,
      );
    }
  }
  const schemaBlocks = Object.entries(components)
    .map(
      ([name, schema]) =>
        `<details id="schema-${name}"><summary>${name}</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} API ${escapeHtml(info.version)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font-family:ui-monospace,monospace}pre{background:#f6f6f6;padding:.75rem;overflow:auto;font-size:13px}
.op{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:0 .3em}
.get{background:#2a7ab8}.post{background:#2f9a5b}h4{margin:.5rem 0 .2rem}summary{cursor:pointer;font-family:ui-monospace,monospace}
</style></head><body>
<h1>${escapeHtml(info.title)} <small>API ${escapeHtml(info.version)}</small></h1>
<p>${escapeHtml(info.summary)} Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors are RFC 9457 problems with a stable <code>type</code>.</p>
<h2>Operations</h2>
${ops.join('\n')}
<h2>Schemas</h2>
${schemaBlocks}
</body></html>`;
}

export function docsRoutes() {
  const doc = buildOpenApi();
  const openapi = JSON.stringify(doc);
  const html = renderDocs(doc);
  return new Hono()
    .get('/openapi.json', (c) => c.body(openapi, 200, { 'content-type': 'application/json' }))
    .get('/docs', (c) => c.html(html));
}
