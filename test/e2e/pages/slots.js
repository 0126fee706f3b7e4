// Site listeners on the tiles: they must survive the reorder.
window.__clicks = [];
function wire() {
  document.querySelectorAll('#recs > li').forEach(function (li) {
    li.addEventListener('click', function () { window.__clicks.push(li.getAttribute('data-pz-item')); });
  });
}
wire();
document.getElementById('rerender').addEventListener('click', function () {
  var recs = document.getElementById('recs');
  var items = [
    ['n1', 'home/kitchen'], ['n2', 'beauty/lipstick'], ['n3', 'fashion/shoes'], ['n4', 'beauty/lipstick'],
  ];
  recs.replaceChildren.apply(recs, items.map(function (it) {
    var li = document.createElement('li');
    li.setAttribute('data-pz-item', it[0]);
    li.setAttribute('data-pz-category', it[1]);
    li.textContent = it[0];
    return li;
  }));
  wire();
});
