/**
 * The demo shop: a single-page storefront that adopted the personalizer with one script tag and
 * `data-pz-*` markup, plus the demo's own controls (order switch, "Why this order?", what the browser
 * learned, the network drawer, reset). Routes live in the URL hash, which browsers never send.
 */
import { cartCount, clearCart, onCartChange } from './cart';
import { $, h } from './dom';
import { learnedCard, refreshLearned } from './learned';
import { onNetworkRows, renderNetwork, startNetworkLog, verdict } from './network';
import { type OrderMode, orderMode, setOrderMode } from './order-mode';
import { cartPage, checkoutPage, orderPage } from './pages/cart';
import { categoryPage } from './pages/category';
import { homePage } from './pages/home';
import { productPage } from './pages/product';
import { searchPage } from './pages/search';
import { withPz } from './pz';
import { startTour } from './tour';
import { setWhy, startWhy } from './why';

startNetworkLog();
startWhy();

const main = $('#main');
const navigate = (hash: string) => {
  location.hash = hash;
};

async function page(hash: string): Promise<Node[]> {
  const [, kind, arg = ''] = hash.match(/^#\/([a-z]+)\/?(.*)$/) ?? [];
  const value = decodeURIComponent(arg);
  switch (kind) {
    case 'c':
      return categoryPage(value);
    case 'p':
      return productPage(value);
    case 'search':
      return searchPage(value);
    case 'cart':
      return cartPage();
    case 'checkout':
      return checkoutPage(navigate);
    case 'order':
      return orderPage();
    default:
      return homePage();
  }
}

let routing = 0;
let loaded = false;
/** Renders the page for the current hash; the old page stays until the new one is ready, then swaps at once. */
async function route(scroll = true): Promise<void> {
  const n = ++routing;
  let nodes: Node[];
  try {
    nodes = await page(location.hash);
  } catch (err) {
    nodes = [h('h1', {}, 'Not found'), h('p', {}, `This page could not be loaded (${String((err as Error).message ?? err)}). `, h('a', { href: '#/' }, 'Go to the home page'))];
  }
  if (n !== routing) return;
  main.replaceChildren(...nodes);
  document.documentElement.dataset.page = location.hash.split('/')[1] || 'home';
  if (scroll) {
    scrollTo(0, 0);
    // After a navigation, keyboard and screen-reader users start at the new page's content.
    if (loaded) main.focus({ preventScroll: true });
  }
  loaded = true;
  document.dispatchEvent(new CustomEvent('demo:page'));
}

function wireHeader(): void {
  // The skip link must not change the hash: that is the router's.
  $('.skip').addEventListener('click', (ev) => {
    ev.preventDefault();
    main.focus();
  });
  const form = $<HTMLFormElement>('form[data-pz-search]');
  // The library records the search from this submit; the page matches it locally.
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = $<HTMLInputElement>('#search-q').value.trim();
    if (q) navigate(`#/search/${encodeURIComponent(q)}`);
  });
  const count = () => {
    $('#cart-count').textContent = String(cartCount());
  };
  onCartChange(() => {
    count();
    if (location.hash === '#/cart') route(false);
  });
  count();
}

function wireDock(): void {
  const modeButtons = Array.from(document.querySelectorAll<HTMLButtonElement>('[data-mode]'));
  const showMode = (mode: OrderMode) => {
    for (const b of modeButtons) b.setAttribute('aria-pressed', String(b.dataset.mode === mode));
  };
  for (const b of modeButtons) {
    b.addEventListener('click', () => {
      setOrderMode(b.dataset.mode as OrderMode);
      showMode(orderMode());
      route(false);
    });
  }
  setOrderMode(orderMode());
  showMode(orderMode());

  const why = $('#toggle-why');
  why.addEventListener('click', () => {
    const on = why.getAttribute('aria-pressed') !== 'true';
    why.setAttribute('aria-pressed', String(on));
    setWhy(on);
  });

  const dialogs: Record<string, () => void> = {
    learned: () => $('#learned-dialog .sheet-body').replaceChildren(learnedCard()),
    network: () => renderNetwork($('#network-body')),
    privacy: () => undefined,
  };
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-open]'))) {
    b.addEventListener('click', () => {
      const name = b.dataset.open!;
      dialogs[name]?.();
      $<HTMLDialogElement>(`#${name}-dialog`).showModal();
    });
  }

  onNetworkRows((rows) => {
    const v = verdict([...rows]);
    $('#network-dot').classList.toggle('bad', !v.ok);
    $('#network-dot').title = v.text;
  });

  $('#reset').addEventListener('click', () => {
    withPz(async (pz) => {
      try {
        await pz.erase();
      } finally {
        clearCart();
        setOrderMode('personal');
        showMode('personal');
        refreshLearned();
        if (location.hash && location.hash !== '#/') navigate('#/');
        else route();
      }
    });
  });
  // The privacy panel erases by itself; show the server's order again.
  document.addEventListener('pz:erased', () => route(false));
}

wireHeader();
wireDock();
startTour($('#tour'), navigate);
addEventListener('hashchange', () => route());
route();
