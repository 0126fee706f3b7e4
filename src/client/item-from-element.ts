import type { Candidate } from '../core/types';

/** Attribute selectors the page uses to describe items. */
export const ITEM_SELECTOR = '[data-pz-item]';
export const PAGE_ITEM_SELECTOR = '[data-pz-page-item]';

/**
 * Reads an item's public features from its `data-pz-*` attributes. Returns undefined when the element
 * carries no id. Validation proper happens in the worker; this only parses.
 * @example <li data-pz-item="sku-1" data-pz-category="beauty/lipstick" data-pz-price="12.5" data-pz-tags="matte,red">
 */
export function itemFromElement(el: Element): Candidate | undefined {
  const d = (el as HTMLElement).dataset;
  if (!d) return undefined;
  const id = d.pzItem || d.pzPageItem;
  if (!id) return undefined;
  const item: Candidate = { id };
  if (d.pzCategory) item.category = d.pzCategory;
  if (d.pzBrand) item.brand = d.pzBrand;
  if (d.pzPrice !== undefined && d.pzPrice !== '') item.price = Number(d.pzPrice);
  if (d.pzTags) item.tags = d.pzTags.split(',').map((t) => t.trim()).filter(Boolean);
  if (d.pzTitle) item.title = d.pzTitle;
  if (d.pzConsumable !== undefined) item.consumable = d.pzConsumable !== 'false';
  if (d.pzPinned !== undefined) item.pinned = d.pzPinned !== 'false';
  if (d.pzAvailable === 'false') item.available = false;
  return item;
}
