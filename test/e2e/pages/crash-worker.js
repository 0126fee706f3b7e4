// A worker that dies while loading: the page must get the server order at once.
throw new Error('simulated worker crash');
