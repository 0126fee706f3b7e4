// A single-page app: "navigates" to another product with the history API and swaps the markup.
document.getElementById('spa-next').addEventListener('click', function () {
  history.pushState({}, '', '?product=p2');
  var old = document.getElementById('product');
  var next = document.createElement('section');
  next.id = 'product';
  next.setAttribute('data-pz-page-item', 'p2');
  next.setAttribute('data-pz-category', 'beauty/mascara');
  next.textContent = 'Mascara';
  old.replaceWith(next);
});
// The site searches without reloading (as a single-page app would).
document.getElementById('search').addEventListener('submit', function (ev) { ev.preventDefault(); });
