// The shop's own global, which data-global="shop" must not replace.
window.shop = { cart: [] };
