/**
 * The node's web page: a hash router over the views (search, work, party, record, verify, publish),
 * the language switch, and focus moved to each new view's heading for keyboard and screen readers.
 */
import { errorContent, h } from './dom.ts';
import { type Lang, lang, type MessageKey, setLang, t } from './i18n.ts';
import { partyView } from './views/party.ts';
import { publishView } from './views/publish.ts';
import { recordPage } from './views/record.ts';
import { searchView } from './views/search.ts';
import { verifyView } from './views/verify.ts';
import { workView } from './views/work.ts';

type View = (arg: string, query: URLSearchParams) => Promise<HTMLElement[]>;

const ROUTES: Record<string, View> = {
  '': (_, q) => searchView(q.get('q') ?? '', q.get('before')),
  work: (arg) => workView(arg),
  party: (arg) => partyView(arg),
  record: (arg) => recordPage(arg),
  verify: () => verifyView(),
  publish: () => publishView(),
};

const NAV: Array<[route: string, label: MessageKey]> = [
  ['', 'navSearch'],
  ['verify', 'navVerify'],
  ['publish', 'navPublish'],
];

/** `#/work/isbn%3A…?x=1` → ['work', 'isbn:…', {x: 1}]. */
function parseHash(): [string, string, URLSearchParams] {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?', 2);
  const slash = path.indexOf('/');
  const route = slash < 0 ? path : path.slice(0, slash);
  const arg = slash < 0 ? '' : decodeURIComponent(path.slice(slash + 1));
  return [route, arg, new URLSearchParams(search)];
}

function renderChrome(route: string): void {
  document.getElementById('skip-link')!.textContent = t('skip');
  document.getElementById('lang-label')!.textContent = t('langLabel');
  const nav = document.getElementById('site-nav')!;
  nav.setAttribute('aria-label', t('siteNav'));
  nav.replaceChildren(
    h(
      'ul',
      {},
      NAV.map(([r, label]) =>
        h('li', {}, h('a', { href: `#/${r}`, 'aria-current': r === route ? 'page' : undefined }, t(label))),
      ),
    ),
  );
}

let renderCount = 0;

async function render(): Promise<void> {
  const [route, arg, query] = parseHash();
  const view = ROUTES[route] ?? ROUTES['']!;
  const mine = ++renderCount;
  renderChrome(route in ROUTES ? route : '');
  const main = document.getElementById('main')!;
  main.setAttribute('aria-busy', 'true');
  main.inert = true; // the previous view stays visible while this one loads, but cannot be acted on
  let content: HTMLElement[];
  try {
    content = await view(arg, query);
  } catch (error) {
    content = [h('h1', { tabindex: '-1' }, t('error')), h('p', { role: 'alert' }, ...errorContent(error))];
  }
  if (mine !== renderCount) return; // a later navigation won
  main.replaceChildren(...content);
  main.dataset.view = route in ROUTES ? route : '';
  main.removeAttribute('aria-busy');
  main.inert = false;
  const heading = main.querySelector('h1');
  document.title = heading?.textContent ? `${heading.textContent} — Kyodaku` : 'Kyodaku';
  if (focusOnRender) (heading ?? main).focus();
}

let focusOnRender = false;

function start(): void {
  setLang(lang());
  const select = document.getElementById('lang-select') as HTMLSelectElement;
  select.value = lang();
  select.addEventListener('change', () => {
    setLang(select.value as Lang);
    focusOnRender = false;
    void render();
  });
  window.addEventListener('hashchange', () => {
    focusOnRender = true;
    void render();
  });
  void render();
}

start();
