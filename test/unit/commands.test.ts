import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, runCommand } from '../../src/client/commands';
import type { Personalizer } from '../../src/client/personalizer';

afterEach(() => {
  vi.restoreAllMocks();
});

function api() {
  const calls: unknown[][] = [];
  const pz = {
    track: (...args: unknown[]) => void calls.push(['track', ...args]),
    erase: () => Promise.reject(new Error('no client')),
    push: () => calls.push(['push']),
  } as unknown as Personalizer;
  return { pz, calls };
}

describe('the command queue', () => {
  it('runs a known command with its arguments, and a function with the API', () => {
    const { pz, calls } = api();
    const warn = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    runCommand(pz, ['track', { type: 'click' }, 2]);
    let got: unknown;
    runCommand(pz, (p: Personalizer) => {
      got = p;
    });
    expect(calls).toEqual([['track', { type: 'click' }, 2]]);
    expect(got).toBe(pz);
    expect(warn).not.toHaveBeenCalled();
  });

  it('reports what is not a command, with the command itself, and never throws', () => {
    const { pz, calls } = api();
    const warn = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const bad of [['trak', {}], ['push'], ['__proto__'], ['toString'], [7], 'track', { track: {} }, null]) {
      expect(() => runCommand(pz, bad)).not.toThrow();
      expect(warn).toHaveBeenLastCalledWith('[pz]', new TypeError('unknown command'), bad);
    }
    expect(warn).toHaveBeenCalledTimes(8);
    expect(calls).toEqual([]);
  });

  it('reports a command that throws, and swallows a rejected answer (nobody awaits a queued command)', async () => {
    const { pz } = api();
    const warn = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    const thrower = () => {
      throw new RangeError('boom');
    };
    runCommand(pz, thrower);
    expect(warn).toHaveBeenCalledWith('[pz]', new RangeError('boom'), thrower);
    runCommand(pz, ['erase']);
    await new Promise((r) => setTimeout(r, 0));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('never throws into the page, even when the page broke its console', () => {
    const { pz } = api();
    vi.spyOn(console, 'error').mockImplementation(() => {
      throw new Error('console removed');
    });
    expect(() => runCommand(pz, ['trak'])).not.toThrow();
    expect(() =>
      runCommand(pz, () => {
        throw new Error('boom');
      }),
    ).not.toThrow();
  });

  it('names every call of the API once', () => {
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length);
    expect(COMMAND_NAMES).not.toContain('push');
  });
});
