/** Category (or department) listing with sort and filters. "Recommended" is the server's order reranked on the device. */
import { api } from '../api';
import { displayName } from '../catalog';
import { h, money } from '../dom';
import type { CategoryResponse } from '../server';
import { tileList } from '../tiles';

const SORTS: Record<string, string> = {
  recommended: 'Recommended for you',
  'price-asc': 'Price: low to high',
  'price-desc': 'Price: high to low',
  rating: 'Customer rating',
};

/** Builds a category page for `slug` (a category or a department). */
export async function categoryPage(slug: string): Promise<Node[]> {
  const cat = await api<CategoryResponse>(`category/${encodeURIComponent(slug)}.json`);
  const brands = [...new Set(cat.items.map((c) => c.brand))].sort((a, b) => a.localeCompare(b));
  const state = { sort: 'recommended', brand: '', maxPrice: Number.POSITIVE_INFINITY };
  const count = h('p', { class: 'count', 'aria-live': 'polite' });
  const holder = h('div', { class: 'listing' });

  const render = () => {
    let items = cat.items.filter((c) => (!state.brand || c.brand === state.brand) && c.price <= state.maxPrice);
    if (state.sort === 'price-asc') items = [...items].sort((a, b) => a.price - b.price);
    if (state.sort === 'price-desc') items = [...items].sort((a, b) => b.price - a.price);
    if (state.sort === 'rating') items = [...items].sort((a, b) => b.rating - a.rating);
    count.textContent = `${items.length} of ${cat.items.length} products`;
    // Only the shop's own order is personalized; an order the shopper chose is left alone.
    holder.replaceChildren(
      items.length
        ? tileList(items, state.sort === 'recommended' ? 'category' : undefined, { eager: 4 })
        : h('p', { class: 'empty' }, 'Nothing matches these filters.'),
    );
  };

  const select = (label: string, options: [string, string][], onChange: (v: string) => void) => {
    const s = h('select', {}, ...options.map(([v, t]) => h('option', { value: v }, t)));
    s.addEventListener('change', () => {
      onChange(s.value);
      render();
    });
    return h('label', {}, h('span', {}, label), s);
  };
  const prices = [25, 50, 100, 500].filter((p) => cat.items.some((c) => c.price > p));
  const toolbar = h(
    'div',
    { class: 'toolbar' },
    select('Sort', Object.entries(SORTS), (v) => {
      state.sort = v;
    }),
    select('Brand', [['', 'All brands'], ...brands.map((b): [string, string] => [b, b])], (v) => {
      state.brand = v;
    }),
    select('Price', [['', 'Any price'], ...prices.map((p): [string, string] => [String(p), `Up to ${money(p)}`])], (v) => {
      state.maxPrice = v ? Number(v) : Number.POSITIVE_INFINITY;
    }),
    count,
  );
  render();
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/' }, 'Home'), ' / ', cat.department !== cat.slug ? h('a', { href: `#/c/${cat.department}` }, displayName(cat.department)) : '', cat.department !== cat.slug ? ' / ' : '', h('span', { 'aria-current': 'page' }, cat.name));
  return [crumbs, h('h1', {}, cat.name), toolbar, holder];
}
