/** The demo catalogue's shape and its public item features (what a shop's product database holds). */

/** A product photo on the demo's own origin, with its intrinsic size (so nothing shifts while it loads). */
export interface ProductImage {
  src: string;
  width: number;
  height: number;
  /** Drawn for the two products that have no photo upstream. */
  generated?: boolean;
}

/** A product of the demo catalogue (`public/catalog/products.json`, built by `scripts/demo-catalog.mjs`). */
export interface Product {
  id: number;
  title: string;
  description: string;
  category: string;
  brand: string;
  price: number;
  discountPercentage: number;
  rating: number;
  stock: number;
  /** Used up and bought again (groceries, skin care, fragrances); one-off purchases are not. */
  consumable: boolean;
  image: ProductImage;
}

/** What a product tile needs: everything but the description. */
export type Card = Omit<Product, 'description'>;

/** Departments group categories, so an interest in one dress flows up to fashion. */
export const DEPARTMENTS: Record<string, string[]> = {
  electronics: ['smartphones', 'laptops'],
  'health-beauty': ['fragrances', 'skincare'],
  home: ['groceries', 'home-decoration', 'furniture', 'lighting'],
  fashion: [
    'tops', 'womens-dresses', 'womens-shoes', 'mens-shirts', 'mens-shoes', 'mens-watches', 'womens-watches',
    'womens-bags', 'womens-jewellery', 'sunglasses',
  ],
  vehicles: ['automotive', 'motorcycle'],
};

const DEPARTMENT_OF = new Map(Object.entries(DEPARTMENTS).flatMap(([d, cats]) => cats.map((c) => [c, d] as const)));

/** The department a category belongs to. */
export function departmentOf(category: string): string {
  return DEPARTMENT_OF.get(category) ?? 'other';
}

/** Category path `department/category` (the `data-pz-category` value). */
export function categoryPath(p: Pick<Card, 'category'>): string {
  return `${departmentOf(p.category)}/${p.category}`;
}

const NAMES: Record<string, string> = {
  'health-beauty': 'Health & beauty', 'home-decoration': 'Home decoration', 'womens-dresses': "Women's dresses",
  'womens-shoes': "Women's shoes", 'mens-shirts': "Men's shirts", 'mens-shoes': "Men's shoes",
  'mens-watches': "Men's watches", 'womens-watches': "Women's watches", 'womens-bags': "Women's bags",
  'womens-jewellery': "Women's jewellery", skincare: 'Skin care',
};

/** A readable name for a category or department slug. */
export function displayName(slug: string): string {
  return NAMES[slug] ?? slug.charAt(0).toUpperCase() + slug.slice(1).replace(/-/g, ' ');
}

/** The `data-pz-*` attributes that describe a product to the personalizer, as the README documents. */
export function itemAttributes(p: Card, key: 'data-pz-item' | 'data-pz-page-item' = 'data-pz-item'): Record<string, string> {
  return {
    [key]: String(p.id),
    'data-pz-category': categoryPath(p),
    'data-pz-brand': p.brand,
    'data-pz-price': String(p.price),
    'data-pz-title': p.title,
    'data-pz-consumable': String(p.consumable),
  };
}

/** The same public features as an event's `item` (for `pz.track`). */
export function itemFeatures(p: Card): { id: string; category: string; brand: string; price: number; title: string; consumable: boolean } {
  return { id: String(p.id), category: categoryPath(p), brand: p.brand, price: p.price, title: p.title, consumable: p.consumable };
}

/** The card part of a product. */
export function toCard(p: Product): Card {
  const { description: _, ...card } = p;
  return card;
}
