// A page that replaced window.Promise with something that throws.
window.Promise = function HostilePromise() { throw new Error('hostile Promise'); };
