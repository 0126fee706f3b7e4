/** The demo's "Personalized / Server order" switch, kept for the visit (a display setting, not shopper data). */
export type OrderMode = 'personal' | 'server';
const KEY = 'demo-order-mode';

/** The current mode (personalized unless the visitor switched). */
export function orderMode(): OrderMode {
  try {
    return sessionStorage.getItem(KEY) === 'server' ? 'server' : 'personal';
  } catch {
    return 'personal';
  }
}

/** Sets the mode; the caller re-renders the page. */
export function setOrderMode(mode: OrderMode): void {
  try {
    sessionStorage.setItem(KEY, mode);
  } catch {
    // Private mode without storage: the switch still works for this page.
  }
  document.documentElement.dataset.order = mode;
}
