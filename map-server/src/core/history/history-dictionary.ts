/**
 * The tags history has counted, numbered for good: id -> key and display form, key -> id. Unlike the live
 * dictionary (tag-dictionary.ts), which forgets a tag once no count of the day holds it, an id here means
 * the same tag in every bucket ever written, so buckets store ids and a merge adds numbers, not strings.
 * Append-only: the owner saves what was added since it last asked (`takeAdded`) before any bucket that uses
 * those ids. Pure: no I/O.
 */
export class HistoryDictionary {
  private readonly keys: string[] = [];
  private readonly displays: string[] = [];
  private readonly ids = new Map<string, number>();
  /** Ids below this were handed out by `takeAdded` (or loaded). */
  private saved = 0;

  get size(): number {
    return this.keys.length;
  }

  /** The id of `key`, or -1 when history never counted it. */
  idOf(key: string): number {
    return this.ids.get(key) ?? -1;
  }

  key(id: number): string {
    return this.keys[id];
  }

  display(id: number): string {
    return this.displays[id];
  }

  /** The id of `key`, given the next one (and `display`) when new. */
  intern(key: string, display: string): number {
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.keys.length;
    this.keys.push(key);
    this.displays.push(display);
    this.ids.set(key, id);
    return id;
  }

  /** The tags interned since the last call (in id order), which the owner must save now. */
  takeAdded(): { key: string; display: string }[] {
    const added = this.keys.slice(this.saved).map((key, i) => ({ key, display: this.displays[this.saved + i] }));
    this.saved = this.keys.length;
    return added;
  }

  /** A dictionary holding `entries` as ids 0, 1, … (read back from what `takeAdded` gave), all saved. */
  static of(entries: readonly { key: string; display: string }[]): HistoryDictionary {
    const dictionary = new HistoryDictionary();
    // Pushed one by one, not interned: a key written twice (a save cut short and redone) keeps every id after it in place.
    for (const { key, display } of entries) {
      if (!dictionary.ids.has(key)) dictionary.ids.set(key, dictionary.keys.length);
      dictionary.keys.push(key);
      dictionary.displays.push(display);
    }
    dictionary.saved = dictionary.size;
    return dictionary;
  }
}
