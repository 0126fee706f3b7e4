// The search form stays on the page (the fixture checks what capture recorded, not the shop's search).
document.getElementById('search').addEventListener('submit', function (ev) { ev.preventDefault(); });
