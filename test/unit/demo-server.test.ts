import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Product, categoryPath, departmentOf } from '../../src/demo/catalog';
import { searchOrder } from '../../src/demo/pages/search';
import { type CategoryResponse, type HomeResponse, LIST_LENGTH, type ProductResponse, type SearchResponse, buildApi } from '../../src/demo/server';

const catalog = JSON.parse(readFileSync(join(__dirname, '../../public/catalog/products.json'), 'utf8')) as Product[];
const api = buildApi(catalog);

describe('demo server (static, the same for everyone)', () => {
  it('every product has a local photo with its size, and a department', () => {
    expect(catalog).toHaveLength(100);
    for (const p of catalog) {
      expect(p.image.src).toMatch(/^\/catalog\/images\/\d+\.(webp|svg)$/);
      expect(p.image.width).toBeGreaterThan(0);
      expect(p.image.height).toBeGreaterThan(0);
      expect(categoryPath(p)).not.toMatch(/^other\//);
    }
    expect(catalog.filter((p) => p.image.generated).map((p) => p.id)).toEqual([3, 79]);
  });

  it('a product page never lists the product itself, and fills both lists', () => {
    for (const p of catalog) {
      const res = api.get(`product/${p.id}.json`) as ProductResponse;
      expect(res.product.id).toBe(p.id);
      for (const list of [res.similar, res.complete]) {
        expect(list.map((c) => c.id)).not.toContain(p.id);
        expect(new Set(list.map((c) => c.id)).size).toBe(list.length);
      }
      const department = catalog.filter((c) => departmentOf(c.category) === departmentOf(p.category)).length;
      expect(res.similar).toHaveLength(Math.min(LIST_LENGTH, department - 1));
      expect(res.similar[0]!.category).toBe(p.category);
      expect(res.complete.length).toBeGreaterThanOrEqual(LIST_LENGTH - 2);
      expect(res.complete.every((c) => c.category !== p.category)).toBe(true);
    }
  });

  it('home candidates cover every category; category files list each product once, best rated first', () => {
    const home = api.get('home.json') as HomeResponse;
    expect(new Set(home.recommended.map((c) => c.category)).size).toBe(20);
    expect(home.categories).toHaveLength(20);
    const shoes = api.get('category/mens-shoes.json') as CategoryResponse;
    expect(shoes.items.map((c) => c.rating)).toEqual([...shoes.items.map((c) => c.rating)].sort((a, b) => b - a));
    const fashion = api.get('category/fashion.json') as CategoryResponse;
    expect(fashion.items).toHaveLength(50);
  });

  it('search: more words matched and title matches first, no match gives nothing', () => {
    const { items } = api.get('search.json') as SearchResponse;
    const found = searchOrder(items, 'leather watch');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.title.toLowerCase()).toContain('leather');
    expect(found[0]!.title.toLowerCase()).toContain('watch');
    expect(searchOrder(items, 'zzzz')).toEqual([]);
    expect(searchOrder(items, '   ')).toEqual([]);
  });
});
