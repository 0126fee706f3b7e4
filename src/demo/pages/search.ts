/** Search results: matched in the page against the shop's public index, so the query never leaves the browser. */
import { api } from '../api';
import { h } from '../dom';
import type { SearchResponse } from '../server';
import { tileList } from '../tiles';

/** The server's relevance order for `query`: more words matched first, title matches above description ones. */
export function searchOrder(index: SearchResponse['items'], query: string): SearchResponse['items'] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const scored = index
    .map((item, order) => {
      const title = `${item.title} ${item.brand}`.toLowerCase();
      let score = 0;
      for (const w of words) score += title.includes(w) ? 3 : item.text.includes(w) ? 1 : 0;
      return { item, score, order };
    })
    .filter((s) => s.score > 0);
  return scored.sort((a, b) => b.score - a.score || a.order - b.order).map((s) => s.item);
}

/** Builds the results page for `query`. */
export async function searchPage(query: string): Promise<Node[]> {
  const { items } = await api<SearchResponse>('search.json');
  const found = searchOrder(items, query).map(({ text: _, ...card }) => card);
  return [
    h('h1', {}, found.length ? `Results for “${query}”` : `Nothing found for “${query}”`),
    h('p', { class: 'count' }, `${found.length} products · matched in your browser; the query was not sent to the shop.`),
    found.length ? tileList(found, 'search', { eager: 4 }) : h('p', {}, h('a', { href: '#/' }, 'Back to the home page')),
  ];
}
