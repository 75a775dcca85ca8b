/**
 * What `record` holds under `key` itself: a name a user chose (an output, a
 * variable, an input) reads nothing that every object inherits, such as
 * `constructor` or `toString`.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The one name a user may not choose: a JavaScript object takes the key `__proto__` for its prototype, so what it names would be lost. */
export const RESERVED_NAME = '__proto__';

/** Why RESERVED_NAME is refused, in words. */
export const RESERVED_WHY = 'the name is reserved, as JavaScript gives it a meaning of its own';
