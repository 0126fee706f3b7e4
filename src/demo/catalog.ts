/** The demo catalog's shape and the simulated, non-personal candidate server. */

/** A product of the demo catalog (public/catalog/products.json). */
export interface Product {
  id: number;
  title: string;
  description: string;
  category: string;
  price: number;
  discountPercentage: number;
  rating: number;
  stock: number;
  availabilityStatus: string;
  tags: string[];
  brand?: string;
}

const DEPARTMENTS: Record<string, string> = {
  beauty: 'health-beauty', 'skin-care': 'health-beauty', fragrances: 'health-beauty',
  groceries: 'home', 'kitchen-accessories': 'home', furniture: 'home', 'home-decoration': 'home',
  smartphones: 'electronics', laptops: 'electronics', tablets: 'electronics', 'mobile-accessories': 'electronics',
  'mens-shirts': 'fashion', 'mens-shoes': 'fashion', 'mens-watches': 'fashion', tops: 'fashion',
  'womens-bags': 'fashion', 'womens-dresses': 'fashion', 'womens-jewellery': 'fashion', 'womens-shoes': 'fashion',
  'womens-watches': 'fashion', sunglasses: 'fashion',
  'sports-accessories': 'sports', motorcycle: 'vehicles', vehicle: 'vehicles',
};

/** Category path `department/category`, so affinity flows up to departments. */
export function categoryPath(p: Product): string {
  return `${DEPARTMENTS[p.category] ?? 'other'}/${p.category}`;
}

/**
 * What a non-personal recommendation server would send everyone: the best-rated products, `perCategory`
 * from each category, interleaved so no category dominates the server order.
 */
export function popularCandidates(catalog: Product[], perCategory: number): Product[] {
  const byCat = new Map<string, Product[]>();
  for (const p of [...catalog].sort((a, b) => b.rating - a.rating || a.id - b.id)) {
    const list = byCat.get(p.category) ?? [];
    if (list.length < perCategory) list.push(p);
    byCat.set(p.category, list);
  }
  const out: Product[] = [];
  for (let round = 0; round < perCategory; round++) {
    for (const list of byCat.values()) if (list[round]) out.push(list[round]!);
  }
  return out;
}
