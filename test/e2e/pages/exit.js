// Each visit is a different product: the page item id comes from the query (?n=3 → p3), and the link
// leads to the next one, so every navigation leaves one dwell view behind at pagehide.
var n = Number(new URLSearchParams(location.search).get('n') || 0);
document.querySelector('main').setAttribute('data-pz-page-item', 'p' + n);
document.getElementById('next').href = '/test/exit.html?n=' + (n + 1);
