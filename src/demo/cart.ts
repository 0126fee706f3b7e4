/** The shop's cart, kept in this browser's localStorage like any shop's cart (the server never sees it). */
import type { Card } from './catalog';

/** One cart line. */
export interface CartLine {
  card: Card;
  qty: number;
}

const KEY = 'demo-cart';
const listeners = new Set<() => void>();

function read(): CartLine[] {
  try {
    const lines = JSON.parse(localStorage.getItem(KEY) ?? '[]') as CartLine[];
    return Array.isArray(lines) ? lines.filter((l) => l && typeof l.qty === 'number' && l.card) : [];
  } catch {
    return [];
  }
}

function write(lines: CartLine[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(lines));
  } catch {
    // Storage full or blocked: the cart lives for this page only.
  }
  for (const fn of listeners) fn();
}

/** The cart's lines. */
export const cartLines = (): CartLine[] => read();

/** Units in the cart. */
export const cartCount = (): number => read().reduce((n, l) => n + l.qty, 0);

/** Adds `qty` of a product. */
export function addToCart(card: Card, qty = 1): void {
  const lines = read();
  const line = lines.find((l) => l.card.id === card.id);
  if (line) line.qty += qty;
  else lines.push({ card, qty });
  write(lines);
}

/** Sets a line's quantity (0 removes it). */
export function setQty(id: number, qty: number): void {
  write(read().flatMap((l) => (l.card.id !== id ? [l] : qty > 0 ? [{ ...l, qty }] : [])));
}

/** Empties the cart. */
export function clearCart(): void {
  write([]);
}

/** Calls `fn` after every change. */
export function onCartChange(fn: () => void): void {
  listeners.add(fn);
}
