import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as errors from '../../src/core/errors';
import { ERROR_NAMES, PzError } from '../../src/core/errors';

const classes = Object.entries(errors).filter(([k]) => (ERROR_NAMES as readonly string[]).includes(k)) as [string, new (field: string, message: string) => PzError][];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('one error module', () => {
  it('has one class per listed name, and each name once', () => {
    expect(new Set(ERROR_NAMES).size).toBe(ERROR_NAMES.length);
    expect(classes.map(([k]) => k).sort()).toEqual([...ERROR_NAMES].sort());
  });

  it.each(classes)('%s carries its name, its field and a message that names it once', (name, Cls) => {
    const e = new Cls('item.price', 'item.price must be a finite number ≥ 0, got "abc"');
    expect(e).toBeInstanceOf(PzError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe(name);
    expect(e.field).toBe('item.price');
    expect(String(e)).toBe(`${name}: item.price must be a finite number ≥ 0, got "abc"`);
  });

  it('no other module (library, site tooling, command-line scripts) defines an error class', () => {
    const library = [...['core', 'worker', 'client', 'site'].flatMap((d) => sources(join(__dirname, '../../src', d))), ...sources(join(__dirname, '../../scripts'))];
    const offenders = library.filter((p) => !p.endsWith(join('core', 'errors.ts')) && /extends (Error|DOMException)\b/.test(readFileSync(p, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
