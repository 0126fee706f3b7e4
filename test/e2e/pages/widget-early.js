// Sets the widget's candidates before pz.js has loaded (the element is not upgraded yet).
document.addEventListener('DOMContentLoaded', function () {
  document.querySelector('#recs').candidates = [
    { id: 'e1', title: 'Early one', price: 1, category: 'a/b' },
    { id: 'e2', title: 'Early two', price: 2, category: 'a/c' },
  ];
});
