/** Product tiles and the lists that hold them, marked up exactly as the README tells shops to. */
import { type Card, itemAttributes } from './catalog';
import { h, money } from './dom';
import { orderMode } from './order-mode';

/** A product's photo in a fixed-ratio box: width and height are set, so nothing shifts when it loads. */
export function productImage(p: Pick<Card, 'image' | 'title'>, eager = false): HTMLImageElement {
  return h('img', {
    src: p.image.src,
    width: String(p.image.width),
    height: String(p.image.height),
    alt: p.image.generated ? '' : p.title,
    loading: eager ? 'eager' : 'lazy',
    decoding: 'async',
  });
}

/** One product tile (`data-pz-item` with its public features). */
export function tile(p: Card, eager = false): HTMLLIElement {
  const link = h(
    'a',
    { href: `#/p/${p.id}`, class: 'tile-link' },
    h('span', { class: 'tile-img' }, productImage(p, eager)),
    h('span', { class: 'tile-brand' }, p.brand),
    h('span', { class: 'tile-title' }, p.title),
    h('span', { class: 'tile-price' }, money(p.price)),
  );
  return h('li', { class: 'tile', ...itemAttributes(p) }, link, h('span', { class: 'tile-why', 'aria-hidden': 'true' }));
}

/** How long a reranked list stays hidden waiting for the personalizer before it is shown as the server sent it. */
const REVEAL_AFTER_MS = 3000;

/**
 * A list of tiles. With `slot`, it is a `data-pz-rerank` slot the personalizer reorders on the device; it
 * stays invisible (its space reserved) until reordered, so no tile moves after the shopper has seen it.
 * In "Server order" mode the slot asks for personalization 0: the server's order, through the same path.
 */
export function tileList(cards: Card[], slot?: string, opts: { eager?: number; className?: string; personalization?: number } = {}): HTMLUListElement {
  const ul = h('ul', { class: `tiles ${opts.className ?? ''}`.trim() }, ...cards.map((c, i) => tile(c, i < (opts.eager ?? 0))));
  if (slot) {
    ul.setAttribute('data-pz-rerank', slot);
    if (orderMode() === 'server') ul.setAttribute('data-pz-personalization', '0');
    else if (opts.personalization !== undefined) ul.setAttribute('data-pz-personalization', String(opts.personalization));
    setTimeout(() => {
      if (!ul.hasAttribute('data-pz-ready')) ul.setAttribute('data-demo-shown', '');
    }, REVEAL_AFTER_MS);
  }
  return ul;
}
