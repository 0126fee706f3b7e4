/** Cart, checkout (no payment) and the order confirmation, which records one purchase event per line. */
import { cartLines, clearCart, setQty } from '../cart';
import { itemFeatures } from '../catalog';
import { h, money } from '../dom';
import { withPz } from '../pz';
import { productImage } from '../tiles';

const total = () => cartLines().reduce((s, l) => s + l.card.price * l.qty, 0);

/** Builds the cart page. */
export function cartPage(): Node[] {
  const lines = cartLines();
  if (!lines.length) return [h('h1', {}, 'Your cart'), h('p', { class: 'empty' }, 'Your cart is empty. ', h('a', { href: '#/' }, 'Keep shopping'))];
  const list = h(
    'ul',
    { class: 'cart-lines' },
    ...lines.map(({ card, qty }) => {
      const remove = h('button', { type: 'button', class: 'link' }, 'Remove');
      remove.addEventListener('click', () => {
        withPz((pz) => pz.track({ type: 'remove_from_cart', item: itemFeatures(card), value: qty }));
        setQty(card.id, 0);
      });
      const qtySelect = h('select', { 'aria-label': `Quantity of ${card.title}` }, ...[1, 2, 3, 4, 5].map((n) => h('option', { value: String(n), ...(n === qty ? { selected: '' } : {}) }, String(n))));
      qtySelect.addEventListener('change', () => setQty(card.id, Number(qtySelect.value)));
      return h(
        'li',
        {},
        h('a', { href: `#/p/${card.id}`, class: 'tile-img' }, productImage(card, true)),
        h('div', {}, h('a', { href: `#/p/${card.id}` }, card.title), h('p', { class: 'tile-brand' }, card.brand), remove),
        qtySelect,
        h('strong', {}, money(card.price * qty)),
      );
    }),
  );
  return [
    h('h1', {}, 'Your cart'),
    list,
    h('p', { class: 'cart-total' }, 'Total ', h('strong', { id: 'cart-total' }, money(total()))),
    h('p', {}, h('a', { class: 'button primary', href: '#/checkout', id: 'to-checkout' }, 'Check out')),
  ];
}

/** Builds the checkout page: a summary and a button that places the order (no payment in a demo). */
export function checkoutPage(navigate: (hash: string) => void): Node[] {
  const lines = cartLines();
  if (!lines.length) return cartPage();
  const place = h('button', { type: 'button', class: 'primary', id: 'place-order' }, `Place order · ${money(total())}`);
  place.addEventListener('click', () => {
    const bought = cartLines();
    // One purchase event per line, with the product's real id and whether it is used up (consumable).
    withPz((pz) => {
      for (const { card, qty } of bought) pz.track({ type: 'purchase', item: itemFeatures(card), value: qty });
      pz.flush().catch(() => undefined);
    });
    clearCart();
    navigate(`#/order/${bought.map((l) => l.card.id).join(',')}`);
  });
  return [
    h('h1', {}, 'Checkout'),
    h('p', {}, 'This is a demo: no payment, no address. Placing the order records a purchase in your browser only.'),
    h('ul', { class: 'summary' }, ...lines.map((l) => h('li', {}, `${l.qty} × ${l.card.title}`, h('span', {}, money(l.card.price * l.qty))))),
    h('p', {}, place),
  ];
}

/** Builds the confirmation page. */
export function orderPage(): Node[] {
  return [
    h('h1', {}, 'Thank you: order placed'),
    h('p', {}, 'Your browser now knows you bought this. One-off purchases will not be offered to you again; things that run out (groceries, skin care, fragrances) may come back as “Buy again”.'),
    h('p', {}, h('a', { class: 'button primary', href: '#/' }, 'See how the home page changed')),
  ];
}
