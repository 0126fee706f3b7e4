/**
 * The demo's non-personal "server": the candidate lists a shop's backend would send to everybody, built
 * once at build time into static JSON under `/api/` (`scripts/build.mjs`). Nothing here knows the shopper;
 * the browser reorders these lists on the device.
 */
import { type Card, DEPARTMENTS, type Product, departmentOf, displayName, toCard } from './catalog';

/** A category as the home page and menus list it. */
export interface CategorySummary {
  slug: string;
  name: string;
  department: string;
  count: number;
  image: Card['image'];
}

/** `/api/home.json` */
export interface HomeResponse {
  /** Candidates for "Recommended for you": the best-rated products of every category, interleaved. */
  recommended: Card[];
  /** The same for everyone and never reranked. */
  trending: Card[];
  categories: CategorySummary[];
}

/** `/api/category/<slug>.json`: the category in the shop's featured order (best rated first). */
export interface CategoryResponse {
  slug: string;
  name: string;
  department: string;
  items: Card[];
}

/** `/api/product/<id>.json`: the product and two lists that never contain it. */
export interface ProductResponse {
  product: Product;
  similar: Card[];
  complete: Card[];
}

/** `/api/search.json`: every product with its searchable text; queries are matched in the page. */
export interface SearchResponse {
  items: (Card & { text: string })[];
}

/** Categories whose products go with a category's ("Complete the look"), closest first. */
const COMPLEMENTS: Record<string, string[]> = {
  smartphones: ['laptops', 'automotive', 'sunglasses'],
  laptops: ['smartphones', 'lighting', 'furniture'],
  fragrances: ['skincare', 'womens-jewellery', 'mens-watches'],
  skincare: ['fragrances', 'groceries'],
  groceries: ['home-decoration', 'lighting', 'skincare'],
  'home-decoration': ['lighting', 'furniture'],
  furniture: ['lighting', 'home-decoration'],
  lighting: ['home-decoration', 'furniture'],
  tops: ['womens-bags', 'womens-jewellery', 'sunglasses', 'womens-shoes'],
  'womens-dresses': ['womens-shoes', 'womens-bags', 'womens-jewellery', 'womens-watches'],
  'womens-shoes': ['womens-dresses', 'womens-bags', 'tops'],
  'mens-shirts': ['mens-shoes', 'mens-watches', 'sunglasses'],
  'mens-shoes': ['mens-shirts', 'mens-watches', 'sunglasses'],
  'mens-watches': ['mens-shirts', 'mens-shoes', 'sunglasses'],
  'womens-watches': ['womens-jewellery', 'womens-bags', 'womens-dresses'],
  'womens-bags': ['womens-shoes', 'womens-dresses', 'womens-jewellery'],
  'womens-jewellery': ['womens-dresses', 'womens-watches', 'womens-bags'],
  sunglasses: ['mens-shirts', 'tops', 'mens-watches'],
  automotive: ['motorcycle', 'smartphones'],
  motorcycle: ['automotive', 'sunglasses'],
};

/** Length of the product page lists and of the home rows. */
export const LIST_LENGTH = 12;

const byRating = (a: Card, b: Card) => b.rating - a.rating || a.id - b.id;

function groupByCategory(catalog: Product[]): Map<string, Card[]> {
  const out = new Map<string, Card[]>();
  for (const p of [...catalog].sort(byRating)) {
    const list = out.get(p.category) ?? [];
    list.push(toCard(p));
    out.set(p.category, list);
  }
  return out;
}

/** Takes one from each list in turn until `limit` (round robin keeps any one category from dominating). */
function interleave(lists: Card[][], limit: number): Card[] {
  const out: Card[] = [];
  for (let round = 0; out.length < limit && lists.some((l) => l[round]); round++) {
    for (const l of lists) if (l[round] && out.length < limit) out.push(l[round]!);
  }
  return out;
}

/** Similar items: the same category by closeness of price, then the same department; never `p` itself. */
export function similarTo(p: Product, catalog: Product[]): Card[] {
  const gap = (c: Product) => Math.abs(Math.log(c.price + 1) - Math.log(p.price + 1));
  const rank = (c: Product) => (c.category === p.category ? 0 : departmentOf(c.category) === departmentOf(p.category) ? 1 : 2);
  return catalog
    .filter((c) => c.id !== p.id && rank(c) < 2)
    .sort((a, b) => rank(a) - rank(b) || gap(a) - gap(b) || a.id - b.id)
    .slice(0, LIST_LENGTH)
    .map(toCard);
}

/** "Complete the look": the best-rated products of the complementary categories, interleaved. */
export function complementsOf(p: Product, groups: Map<string, Card[]>): Card[] {
  const lists = (COMPLEMENTS[p.category] ?? []).map((c) => (groups.get(c) ?? []).filter((x) => x.id !== p.id));
  return interleave(lists, LIST_LENGTH);
}

/** Every static response of the demo server, by path under `/api/`. */
export function buildApi(catalog: Product[]): Map<string, unknown> {
  const groups = groupByCategory(catalog);
  const files = new Map<string, unknown>();
  const categories: CategorySummary[] = [...groups].map(([slug, items]) => ({
    slug,
    name: displayName(slug),
    department: departmentOf(slug),
    count: items.length,
    image: items.find((i) => !i.image.generated)?.image ?? items[0]!.image,
  }));
  // A stand-in for "sold most this week", the same for everyone: rating weighted by the discount.
  const trending = [...catalog]
    .sort((a, b) => b.rating * (10 + b.discountPercentage) - a.rating * (10 + a.discountPercentage) || a.id - b.id)
    .slice(0, LIST_LENGTH)
    .map(toCard);
  const home: HomeResponse = { recommended: interleave([...groups.values()], 40), trending, categories };
  files.set('home.json', home);
  for (const [slug, items] of groups) {
    const res: CategoryResponse = { slug, name: displayName(slug), department: departmentOf(slug), items };
    files.set(`category/${slug}.json`, res);
  }
  // A department lists its categories' products interleaved, so each category shows near the top.
  for (const [dept, cats] of Object.entries(DEPARTMENTS)) {
    const lists = cats.map((c) => groups.get(c) ?? []);
    const items = interleave(lists, lists.reduce((n, l) => n + l.length, 0));
    const res: CategoryResponse = { slug: dept, name: displayName(dept), department: dept, items };
    files.set(`category/${dept}.json`, res);
  }
  for (const p of catalog) {
    const res: ProductResponse = { product: p, similar: similarTo(p, catalog), complete: complementsOf(p, groups) };
    files.set(`product/${p.id}.json`, res);
  }
  const search: SearchResponse = {
    items: [...catalog].sort(byRating).map((p) => ({
      ...toCard(p),
      text: `${p.title} ${p.brand} ${displayName(p.category)} ${displayName(departmentOf(p.category))} ${p.description}`.toLowerCase(),
    })),
  };
  files.set('search.json', search);
  return files;
}
