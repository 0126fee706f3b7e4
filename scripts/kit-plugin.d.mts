import type { Plugin } from 'vite';

/** The kit's functions in order and, by source file, the names each gives (read from kit.ts). */
export function readKit(kitFile: string): { order: string[]; names: Map<string, string[]> };
/** A Vite plugin for the client file's build: the kit's functions come from the loader. */
export function kitPlugin(kitFile: string): Plugin;
