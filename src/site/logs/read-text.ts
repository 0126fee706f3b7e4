import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Reads a text file, gunzipping it when it starts with the gzip magic bytes. */
export function readText(path: string): string {
  const buf = readFileSync(path);
  const gz = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  return (gz ? gunzipSync(buf) : buf).toString('utf8');
}
