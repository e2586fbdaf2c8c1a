/** A small element builder (text only, never HTML strings) and the page's shared pieces. */
import { type MessageKey, pickText, t, word } from './i18n.ts';
import { describeError } from './problems.ts';

export type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | boolean | number | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
  return el;
}

/** A text in its own language: `{ja: …, en: …}` shown in the current language, with `lang`. */
export function langText(map: Record<string, string> | undefined, fallback = ''): HTMLSpanElement {
  const picked = pickText(map);
  return picked === undefined ? h('span', {}, fallback) : h('span', { lang: picked.lang }, picked.text);
}

/** A decision or status as a badge with its class and its word in the current language. */
export function badge(value: string): HTMLSpanElement {
  return h('span', { class: `badge ${value}` }, word(value));
}

/** An object id shortened for reading, linking to its page. */
export function idLink(href: string, id: string): HTMLAnchorElement {
  return h('a', { href, class: 'mono', title: id }, id.length > 20 ? `${id.slice(0, 16)}…` : id);
}

export function facts(rows: Array<[MessageKey, Child | Child[]] | false>): HTMLDListElement {
  return h(
    'dl',
    { class: 'facts' },
    rows.filter((r) => r !== false).flatMap(([label, value]) => [h('dt', {}, t(label)), h('dd', {}, value)]),
  );
}

/** Says something to screen readers (the live region of index.html). */
export function announce(message: string): void {
  const region = document.getElementById('announcer');
  if (region !== null) region.textContent = message;
}

/**
 * An error's text: "エラー: <the problem in the reader's language>", then the node's own detail
 * (English) as secondary text.
 */
export function errorContent(error: unknown): Array<string | HTMLElement> {
  const { message, detail, code } = describeError(error);
  const parts: Array<string | HTMLElement> = [`${t('error')}: ${message}`];
  if (detail !== undefined && detail !== message)
    parts.push(' ', h('small', { class: 'problem-detail', lang: 'en', 'data-code': code }, detail));
  return parts;
}

export function errorBox(error: unknown): HTMLElement {
  return h('p', { role: 'alert', class: 'bad' }, ...errorContent(error));
}
