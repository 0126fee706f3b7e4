/** Product page: photo, price, cart and favourite buttons (`data-pz-action`), and two non-personal lists reranked on the device. */
import { api } from '../api';
import { addToCart } from '../cart';
import { displayName, itemAttributes, toCard } from '../catalog';
import { h, money } from '../dom';
import type { ProductResponse } from '../server';
import { productImage, tileList } from '../tiles';

const stars = (r: number) => `${'★'.repeat(Math.round(r))}${'☆'.repeat(5 - Math.round(r))}`;

/** Builds the page of product `id`. */
export async function productPage(id: string): Promise<Node[]> {
  const { product: p, similar, complete } = await api<ProductResponse>(`product/${encodeURIComponent(id)}.json`);
  const card = toCard(p);
  const was = p.discountPercentage > 0 ? p.price / (1 - p.discountPercentage / 100) : undefined;
  const added = h('p', { class: 'added', role: 'status' });
  const add = h('button', { type: 'button', class: 'primary', 'data-pz-action': 'add-to-cart' }, 'Add to cart');
  add.addEventListener('click', () => {
    addToCart(card);
    added.replaceChildren('Added. ', h('a', { href: '#/cart' }, 'View cart'));
  });
  const fav = h('button', { type: 'button', 'data-pz-action': 'favorite', 'aria-pressed': 'false' }, '♡ Save');
  fav.addEventListener('click', () => {
    fav.setAttribute('aria-pressed', 'true');
    fav.textContent = '♥ Saved';
  });
  const article = h(
    'article',
    { class: 'product', ...itemAttributes(card, 'data-pz-page-item') },
    h('div', { class: 'product-photo' }, productImage(p, true)),
    h(
      'div',
      { class: 'product-info' },
      h('p', { class: 'tile-brand' }, p.brand),
      h('h1', {}, p.title),
      h('p', { class: 'rating' }, h('span', { 'aria-hidden': 'true' }, stars(p.rating)), ` ${p.rating.toFixed(1)} out of 5`),
      h('p', { class: 'product-price' }, money(p.price), was ? h('s', {}, money(was)) : undefined),
      h('p', {}, p.description),
      h('p', { class: 'stock' }, p.stock > 0 ? `In stock (${p.stock})` : 'Out of stock', p.consumable ? ' · Runs out: you may buy it again' : ''),
      h('p', { class: 'buy' }, add, fav),
      added,
    ),
  );
  const crumbs = h(
    'nav',
    { class: 'crumbs', 'aria-label': 'Breadcrumb' },
    h('a', { href: '#/' }, 'Home'),
    ' / ',
    h('a', { href: `#/c/${p.category}` }, displayName(p.category)),
    ' / ',
    h('span', { 'aria-current': 'page' }, p.title),
  );
  const shelf = (title: string, note: string, list: HTMLUListElement) =>
    h('section', { class: 'shelf' }, h('div', { class: 'shelf-head' }, h('h2', {}, title), h('p', { class: 'shelf-note' }, note)), list);
  return [
    crumbs,
    article,
    shelf('Similar items', 'The same list for everyone, reordered in your browser.', tileList(similar, 'similar', { className: 'shelf' })),
    shelf('Complete the look', 'Goes with it, for everyone; reordered in your browser.', tileList(complete, 'complete', { className: 'shelf' })),
  ];
}
