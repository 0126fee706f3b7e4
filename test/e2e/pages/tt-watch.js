// Records every Content-Security-Policy violation (Trusted Types ones included) before pz.js runs.
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(`${e.violatedDirective}: ${e.blockedURI || e.sample || ''}`);
});
