/**
 * JSON text of plain data, immune to `toJSON` methods a page added to built-in prototypes
 * (Prototype.js defines `Array.prototype.toJSON`, which makes `JSON.stringify` write every array as
 * a string, so a downloaded export would hold `"events": "[...]"`).
 */

const PROTOTYPES: object[] = [Array.prototype, Object.prototype, String.prototype, Number.prototype, Boolean.prototype];

/**
 * `JSON.stringify(value, null, space)` with any page-added `toJSON` on the built-in prototypes set
 * aside for the duration of the (synchronous) call and put back afterwards.
 * @example stringifyJson({ events: [1, 2] }, 2); // '{\n  "events": [\n    1,\n    2\n  ]\n}' even under Prototype.js
 */
export function stringifyJson(value: unknown, space?: number): string {
  const removed: [object, PropertyDescriptor][] = [];
  try {
    for (let i = 0; i < PROTOTYPES.length; i++) {
      const proto = PROTOTYPES[i] as object;
      const d = Object.getOwnPropertyDescriptor(proto, 'toJSON');
      if (d?.configurable && delete (proto as { toJSON?: unknown }).toJSON) removed[removed.length] = [proto, d];
    }
    return JSON.stringify(value, null, space);
  } finally {
    for (let i = 0; i < removed.length; i++) {
      const [proto, d] = removed[i] as [object, PropertyDescriptor];
      Object.defineProperty(proto, 'toJSON', d);
    }
  }
}
