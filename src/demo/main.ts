/**
 * The demo storefront: an ordinary shop page that adopted the personalizer with one script tag and
 * `data-pz-*` attributes. It renders the catalog, a "Recommended for you" row from a simulated,
 * non-personal candidate server, a product page (single-page navigation), a cart, and a privacy
 * panel that shows, exports and erases what the browser keeps.
 */
import type { Personalizer } from '../client/personalizer';
import { placeholderSvg } from './placeholder';
import { type Product, categoryPath, popularCandidates } from './catalog';

type Queue = (Personalizer | unknown[]) & { push: (...a: unknown[]) => number };
const w = window as unknown as { pz?: Queue };
w.pz = w.pz || ([] as unknown as Queue);
/** Calls the personalizer once it has loaded (the command queue replays calls made before that). */
function withPz(fn: (pz: Personalizer) => void): void {
  w.pz!.push(fn);
}

const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const money = (n: number) => `$${n.toFixed(2)}`;
const cart = new Map<number, { product: Product; qty: number }>();
let catalog: Product[] = [];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function itemAttrs(p: Product): Record<string, string> {
  const a: Record<string, string> = {
    'data-pz-item': String(p.id),
    'data-pz-category': categoryPath(p),
    'data-pz-price': String(p.price),
    'data-pz-title': p.title,
  };
  if (p.brand) a['data-pz-brand'] = p.brand;
  if (p.tags.length) a['data-pz-tags'] = p.tags.join(',');
  if (p.category === 'groceries' || p.category === 'skin-care' || p.category === 'beauty') a['data-pz-consumable'] = '';
  if (p.availabilityStatus === 'Out of Stock') a['data-pz-available'] = 'false';
  return a;
}

function card(p: Product): HTMLLIElement {
  const li = el('li', { class: 'card', ...itemAttrs(p) });
  const a = el('a', { href: `?p=${p.id}`, 'aria-label': `${p.title}, ${money(p.price)}` });
  a.insertAdjacentHTML('beforeend', placeholderSvg(p));
  a.append(el('span', { class: 'title' }, p.title), el('span', { class: 'meta' }, `${p.brand ?? p.category} · ★ ${p.rating.toFixed(1)}`));
  a.append(el('span', { class: 'price' }, money(p.price)));
  a.addEventListener('click', (ev) => {
    ev.preventDefault();
    navigate(p.id);
  });
  li.append(a);
  return li;
}

function renderRecs(): void {
  // The "server" sends the same non-personal list to everybody; the browser reorders it.
  $('#recs').replaceChildren(...popularCandidates(catalog, 2).map(card));
}

function renderGrid(category = '', query = ''): void {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const list = catalog.filter(
    (p) =>
      (!category || p.category === category) &&
      words.every((w) => `${p.title} ${p.brand ?? ''} ${p.category} ${p.tags.join(' ')}`.toLowerCase().includes(w)),
  );
  $('#grid').replaceChildren(...list.map(card));
}

function renderDetail(id: number): void {
  const p = catalog.find((x) => x.id === id);
  const detail = $('#detail');
  if (!p) {
    detail.hidden = true;
    $('#app').hidden = false;
    return;
  }
  const wrap = el('div', { class: 'product', ...Object.fromEntries(Object.entries(itemAttrs(p)).map(([k, v]) => [k.replace('data-pz-item', 'data-pz-page-item'), v])) });
  const media = el('div');
  media.insertAdjacentHTML('beforeend', placeholderSvg(p));
  const info = el('div');
  const back = el('button', { type: 'button' }, '← Back to the store');
  back.addEventListener('click', () => navigate(undefined));
  const add = el('button', { type: 'button', class: 'primary', 'data-pz-action': 'add-to-cart' }, 'Add to cart');
  add.addEventListener('click', () => {
    const line = cart.get(p.id) ?? { product: p, qty: 0 };
    line.qty++;
    cart.set(p.id, line);
    renderCart();
  });
  const fav = el('button', { type: 'button', 'data-pz-action': 'favorite' }, '♡ Favourite');
  fav.addEventListener('click', () => {
    fav.textContent = '♥ Favourited';
  });
  info.append(
    back,
    el('h2', {}, p.title),
    el('p', { class: 'meta' }, `${p.brand ?? ''} ${p.brand ? '·' : ''} ${p.category} · ★ ${p.rating.toFixed(1)} · ${p.availabilityStatus}`),
    el('p', { class: 'price' }, money(p.price)),
    el('p', {}, p.description),
    add,
    fav,
  );
  wrap.append(media, info);
  detail.replaceChildren(wrap);
  detail.hidden = false;
  $('#app').hidden = true;
}

function navigate(id: number | undefined): void {
  history.pushState({ id }, '', id === undefined ? location.pathname : `?p=${id}`);
  route();
}

function route(): void {
  const id = Number(new URLSearchParams(location.search).get('p'));
  if (id) renderDetail(id);
  else {
    $('#detail').hidden = true;
    $('#detail').replaceChildren();
    $('#app').hidden = false;
  }
  scrollTo(0, 0);
}

function renderCart(): void {
  let total = 0;
  let count = 0;
  const lines = [...cart.values()].map(({ product, qty }) => {
    total += product.price * qty;
    count += qty;
    const li = el('li', itemAttrs(product), `${qty} × ${product.title} (${money(product.price)}) `);
    li.removeAttribute('data-pz-item');
    li.setAttribute('data-pz-page-item', String(product.id));
    const remove = el('button', { type: 'button', 'data-pz-action': 'remove-from-cart' }, 'Remove');
    remove.addEventListener('click', () => {
      cart.delete(product.id);
      renderCart();
    });
    li.append(remove);
    return li;
  });
  $('#cart-lines').replaceChildren(...lines);
  $('#cart-total').textContent = money(total);
  $('#cart-count').textContent = String(count);
}

function checkout(): void {
  withPz((pz) => {
    for (const { product, qty } of cart.values()) {
      pz.track({ type: 'purchase', value: qty, item: { id: String(product.id), category: categoryPath(product), price: product.price, ...(product.brand ? { brand: product.brand } : {}), tags: product.tags } });
    }
  });
  cart.clear();
  renderCart();
  $<HTMLDialogElement>('#cart-dialog').close();
}

function openPrivacy(): void {
  const dialog = $<HTMLDialogElement>('#privacy-dialog');
  $('#privacy-profile').textContent = 'Loading…';
  dialog.showModal();
  withPz(async (pz) => {
    const profile = await pz.profile();
    $('#privacy-profile').textContent = JSON.stringify(profile, null, 2) ?? 'Nothing stored yet.';
  });
}

function wireDialogs(): void {
  for (const btn of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-close]'))) {
    btn.addEventListener('click', () => btn.closest('dialog')?.close());
  }
  $('#open-cart').addEventListener('click', () => $<HTMLDialogElement>('#cart-dialog').showModal());
  $('#checkout').addEventListener('click', checkout);
  $('#open-privacy').addEventListener('click', openPrivacy);
  $('#notice-privacy').addEventListener('click', openPrivacy);
  // The panel erases; the page only has to show the server order again.
  document.addEventListener('pz:erased', () => {
    $('#privacy-profile').textContent = 'Erased. Nothing about you is stored in this browser now.';
    renderRecs();
  });
}

async function main(): Promise<void> {
  const res = await fetch('/catalog/products.json');
  catalog = (await res.json()) as Product[];
  const filter = $<HTMLSelectElement>('#category-filter');
  for (const c of [...new Set(catalog.map((p) => p.category))].sort()) filter.append(el('option', { value: c }, c));
  filter.addEventListener('change', () => renderGrid(filter.value));
  // Search runs in the page: the query is matched locally and never sent anywhere.
  $<HTMLFormElement>('form[data-pz-search]').addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!$('#detail').hidden) navigate(undefined);
    renderGrid(filter.value, $<HTMLInputElement>('#q').value);
    $('#grid-title').textContent = $<HTMLInputElement>('#q').value ? 'Search results' : 'All products';
  });
  renderRecs();
  renderGrid();
  renderCart();
  wireDialogs();
  addEventListener('popstate', route);
  route();
}

main().catch((err) => {
  $('#app').textContent = `The catalog could not be loaded: ${String(err)}`;
});
