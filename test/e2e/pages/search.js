// These forms search without reloading, as a single-page app would; #f4 is a plain GET form.
for (const form of document.querySelectorAll('form.spa')) form.addEventListener('submit', function (ev) { ev.preventDefault(); });
