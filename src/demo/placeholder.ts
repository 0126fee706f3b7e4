import type { Product } from './catalog';

function hue(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 360;
  return h;
}

const escapeXml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A local placeholder picture (inline SVG): the demo never loads remote images. */
export function placeholderSvg(p: Product): string {
  const h = hue(p.category);
  const initials = p.title.split(/\s+/).slice(0, 2).map((w) => w[0] ?? '').join('').toUpperCase();
  return `<svg viewBox="0 0 160 120" role="img" aria-label="${escapeXml(p.category)} placeholder image" xmlns="http://www.w3.org/2000/svg"><rect width="160" height="120" fill="hsl(${h} 60% 88%)"/><circle cx="80" cy="52" r="30" fill="hsl(${h} 55% 62%)"/><text x="80" y="60" text-anchor="middle" font-size="22" font-family="sans-serif" fill="#fff">${escapeXml(initials)}</text><text x="80" y="108" text-anchor="middle" font-size="11" font-family="sans-serif" fill="hsl(${h} 40% 30%)">${escapeXml(p.category)}</text></svg>`;
}
