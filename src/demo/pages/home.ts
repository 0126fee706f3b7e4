/** Home: hero, "Recommended for you" (reranked on the device), categories, "Trending" (the same for everyone). */
import { api } from '../api';
import { h } from '../dom';
import { learnedCard } from '../learned';
import type { HomeResponse } from '../server';
import { productImage, tileList } from '../tiles';

/** Builds the home page. */
export async function homePage(): Promise<Node[]> {
  const home = await api<HomeResponse>('home.json');
  const hero = h(
    'section',
    { class: 'hero', 'aria-labelledby': 'hero-title' },
    h(
      'div',
      { class: 'hero-text' },
      h('p', { class: 'eyebrow' }, 'A demo shop for on-device personalization'),
      h('h1', { id: 'hero-title' }, 'A shop that learns your taste without learning who you are.'),
      h(
        'p',
        { class: 'lede' },
        'Every list arrives from the shop’s server in the same order for everyone. Your browser reorders it from what you look at, put in your cart and buy, and keeps what it learns to itself.',
      ),
      h(
        'p',
        { class: 'hero-actions' },
        h('button', { type: 'button', class: 'primary', id: 'start-tour' }, 'Show me in 3 steps'),
        h('a', { class: 'button', href: '#/c/mens-shoes' }, 'Browse shoes'),
      ),
    ),
    learnedCard(),
  );
  const recs = h(
    'section',
    { class: 'shelf', 'aria-labelledby': 'recs-title' },
    h(
      'div',
      { class: 'shelf-head' },
      h('h2', { id: 'recs-title' }, 'Recommended for you'),
      h('p', { class: 'shelf-note' }, 'The shop’s 40 best-rated products, reordered in your browser. Tiles it moved up say why.'),
    ),
    tileList(home.recommended, 'home-recs', { eager: 10, className: 'shelf', personalization: 1 }),
  );
  const categories = h(
    'section',
    { class: 'shelf', 'aria-labelledby': 'cats-title' },
    h('div', { class: 'shelf-head' }, h('h2', { id: 'cats-title' }, 'Shop by category')),
    h(
      'ul',
      { class: 'categories' },
      ...home.categories.map((c) =>
        h('li', {}, h('a', { href: `#/c/${c.slug}` }, h('span', { class: 'tile-img' }, productImage({ image: c.image, title: '' })), h('span', {}, c.name))),
      ),
    ),
  );
  const trending = h(
    'section',
    { class: 'shelf', 'aria-labelledby': 'trending-title' },
    h(
      'div',
      { class: 'shelf-head' },
      h('h2', { id: 'trending-title' }, 'Trending'),
      h('p', { class: 'shelf-note' }, 'The same for everyone: this row is never personalized.'),
    ),
    tileList(home.trending, undefined, { className: 'shelf' }),
  );
  return [hero, recs, categories, trending];
}
