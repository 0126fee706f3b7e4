#!/usr/bin/env node
// Regenerates the demo catalogue public/catalog/ (products.json + photos) from the DummyJSON 2021 release
// in ../shared/data (MIT). Run once by hand; its output is committed, so a fresh clone needs neither the
// data folder nor ImageMagick:  node scripts/demo-catalog.mjs [--data DIR]
// Needs ImageMagick's `convert` and `identify` with WebP (Debian: apt-get install imagemagick).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const data = resolve(root, args.includes('--data') ? args[args.indexOf('--data') + 1] : '../shared/data/dummyjson-products-2021');
const out = join(root, 'public/catalog');
const imgOut = join(out, 'images');
/** Longest side of a shipped photo: a 2x tile on a phone or a product page on a laptop. */
const MAX_SIDE = 480;
/** Categories whose products are used up and bought again (the library's `consumable` flag). */
const CONSUMABLE = new Set(['groceries', 'skincare', 'fragrances']);

const tidy = (s) => {
  const t = s.replace(/^[\s\-–.]+|[\s.]+$/g, '').replace(/\s+/g, ' ');
  // Capitalise an all-lower-case first word only ("iPhone" stays).
  return /^[a-z]+\b/.test(t) ? t.charAt(0).toUpperCase() + t.slice(1) : t;
};
const escapeXml = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** A quiet generated picture for the products that have no photo upstream. */
function generatedSvg(p) {
  const words = p.title.split(' ');
  const lines = [];
  for (const w of words) {
    const last = lines.at(-1);
    if (last && `${last} ${w}`.length <= 16) lines[lines.length - 1] = `${last} ${w}`;
    else lines.push(w);
  }
  const text = lines
    .slice(0, 3)
    .map((l, i) => `<text x="240" y="${236 + (i - (Math.min(lines.length, 3) - 1) / 2) * 40}" text-anchor="middle">${escapeXml(l)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="480" viewBox="0 0 480 480"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#eef1f6"/><stop offset="1" stop-color="#d9dfea"/></linearGradient></defs><rect width="480" height="480" fill="url(#g)"/><circle cx="240" cy="240" r="150" fill="none" stroke="#b9c2d3" stroke-width="2"/><g font-family="Georgia, serif" font-size="32" fill="#3b4658">${text}</g><text x="240" y="420" text-anchor="middle" font-family="sans-serif" font-size="14" letter-spacing="3" fill="#7b8597">${escapeXml(p.brand.toUpperCase())}</text></svg>`;
}

const upstream = JSON.parse(readFileSync(join(data, 'products.json'), 'utf8'));
const photos = new Map(readdirSync(join(data, 'images')).map((f) => [Number.parseInt(f, 10), f]));
rmSync(imgOut, { recursive: true, force: true });
mkdirSync(imgOut, { recursive: true });
const products = upstream.map((u) => {
  const p = {
    id: u.id,
    title: tidy(u.title),
    description: tidy(u.description),
    category: u.category,
    brand: tidy(u.brand),
    price: u.price,
    discountPercentage: u.discountPercentage,
    rating: u.rating,
    stock: u.stock,
    consumable: CONSUMABLE.has(u.category),
  };
  const photo = photos.get(u.id);
  if (photo) {
    const file = `${u.id}.webp`;
    execFileSync('convert', [join(data, 'images', photo), '-resize', `${MAX_SIDE}x${MAX_SIDE}>`, '-strip', '-quality', '74', join(imgOut, file)]);
    const [w, h] = execFileSync('identify', ['-format', '%w %h', join(imgOut, file)], { encoding: 'utf8' }).split(' ').map(Number);
    return { ...p, image: { src: `/catalog/images/${file}`, width: w, height: h } };
  }
  writeFileSync(join(imgOut, `${u.id}.svg`), generatedSvg(p));
  return { ...p, image: { src: `/catalog/images/${u.id}.svg`, width: 480, height: 480, generated: true } };
});
writeFileSync(join(out, 'products.json'), `${JSON.stringify(products, null, 0)}\n`);
if (!existsSync(join(out, 'LICENSE'))) copyFileSync(join(data, 'LICENSE'), join(out, 'LICENSE'));
console.log(`wrote ${products.length} products, ${photos.size} photos to ${out}`);
