/**
 * Checks of a snapshot's shape where it enters a restore (`TrendEngine.restore` and the structures' own
 * `restore`): types, lengths, and the few values a query would otherwise trust blindly (an id inside the
 * dictionary, a minute inside the ring). Cheap: one pass at most over each array, no per-entry objects.
 * Every failure is a `RangeError` whose message names the field at fault, e.g.
 * `counts.store.bucketMinute: expected a Float64Array, got Array`, so that a damaged or foreign save is
 * refused with a clear reason instead of being misread.
 */

/** The typed arrays a snapshot holds. */
type TypedArray = Float64Array | Uint32Array;
type TypedArrayType<T extends TypedArray> = { new (length: number): T; readonly name: string };

/** Refuses the snapshot: `where` names the field, `problem` says what is wrong with it. */
export function damaged(where: string, problem: string): never {
  throw new RangeError(`${where}: ${problem}`);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value.constructor as { name?: string } | undefined)?.name ?? 'Object';
}

/** A plain object (what v8.deserialize or structuredClone gives back for one). */
export function checkObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    damaged(where, `expected an object, got ${kindOf(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A typed array of exactly `type`, of `length` entries when given. */
export function checkTyped<T extends TypedArray>(value: unknown, type: TypedArrayType<T>, where: string, length?: number): T {
  if (!(value instanceof (type as unknown as new () => T))) damaged(where, `expected a ${type.name}, got ${kindOf(value)}`);
  if (length !== undefined && value.length !== length) damaged(where, `expected ${length} entries, got ${value.length}`);
  return value;
}

/** An array of strings, of `length` entries when given. */
export function checkStrings(value: unknown, where: string, length?: number): string[] {
  if (!Array.isArray(value)) damaged(where, `expected an array of strings, got ${kindOf(value)}`);
  if (length !== undefined && value.length !== length) damaged(where, `expected ${length} entries, got ${value.length}`);
  for (let i = 0; i < value.length; i += 1) {
    if (typeof value[i] !== 'string') damaged(`${where}[${i}]`, `expected a string, got ${kindOf(value[i])}`);
  }
  return value as string[];
}

/** A finite number; an integer when `integer` is set. */
export function checkNumber(value: unknown, where: string, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    damaged(where, `expected ${integer ? 'an integer' : 'a finite number'}, got ${typeof value === 'number' ? value : kindOf(value)}`);
  }
  return value;
}

/** `checkNumber`, or null. */
export function checkNullableNumber(value: unknown, where: string, integer = false): number | null {
  return value === null ? null : checkNumber(value, where, integer);
}

export function checkBoolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') damaged(where, `expected true or false, got ${kindOf(value)}`);
  return value;
}

/** Checks that a layout constant the snapshot was written with is this build's. */
export function checkSame(saved: unknown, current: number, where: string): void {
  if (saved !== current) damaged(where, `saved with ${String(saved)}, this build uses ${current}`);
}

/**
 * Checks that `lengths` (entries per group, each `per` entries wide) cover exactly the `total` entries of
 * the array they cut up.
 */
export function checkSum(lengths: Uint32Array, total: number, where: string, per = 1): void {
  let sum = 0;
  for (let i = 0; i < lengths.length; i += 1) sum += lengths[i] * per;
  if (sum !== total) damaged(where, `add up to ${sum} entries, but the array they cut up holds ${total}`);
}
