/**
 * What history keeps of its buckets in memory, within a budget of bytes, least recently used let go first:
 * whole buckets, some regions of a bucket (a country's rows, a box's cells: hour-summary.ts `readRegions`),
 * and buckets' indexes. Each is kept under its bucket's name and what part it is (`''`: the whole bucket),
 * so a bucket deleted from the shelf is forgotten in every form.
 */

/** What it keeps: anything that says what it takes in memory. */
export interface Sized {
  readonly bytes: number;
}

export class BucketCache {
  /** `name#part` -> the value and the bytes it is counted for, most recently used last. */
  private readonly entries = new Map<string, { value: Sized; bytes: number }>();
  /** Bucket name -> its parts kept. */
  private readonly parts = new Map<string, Set<string>>();
  /** What the values kept take, in bytes. */
  bytes = 0;

  constructor(private readonly limit: number) {}

  /** A bucket's `part` (`''`: whole), marked as just used; undefined when not kept. */
  get<T extends Sized>(name: string, part = ''): T | undefined {
    const key = `${name}#${part}`;
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value as T;
  }

  /**
   * Keeps a bucket's `part`, counted for `bytes` (what it holds beyond its own arrays included), then lets the
   * least recently used go until the budget holds (never the one just kept).
   */
  set(name: string, part: string, value: Sized, bytes = value.bytes): void {
    const key = `${name}#${part}`;
    this.drop(key);
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    let kept = this.parts.get(name);
    if (kept === undefined) this.parts.set(name, (kept = new Set()));
    kept.add(part);
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.limit || oldest === key) break;
      const at = oldest.indexOf('#'); // names hold no '#'; a part may
      this.forgetPart(oldest.slice(0, at), oldest.slice(at + 1));
    }
  }

  /** Forgets a bucket in every form. */
  forget(name: string): void {
    for (const part of [...(this.parts.get(name) ?? [])]) this.forgetPart(name, part);
  }

  private forgetPart(name: string, part: string): void {
    this.drop(`${name}#${part}`);
    const kept = this.parts.get(name);
    kept?.delete(part);
    if (kept?.size === 0) this.parts.delete(name);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
