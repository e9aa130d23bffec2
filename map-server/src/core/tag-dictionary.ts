/**
 * Interns hashtag keys as small integers, so that the window store's maps are keyed by numbers (cheaper to
 * hash and smaller than strings), and remembers how each key is spelled.
 *
 * The display form of a key is its most frequent original spelling since the process started. Most keys are
 * only ever spelled one way, so a second spelling allocates a per-key tally lazily; until then a key costs
 * one string and two numbers.
 */
export class TagDictionary {
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly best: string[] = [];
  private readonly bestCount: number[] = [];
  /** Tallies of every spelling, only for keys seen in more than one. */
  private readonly spellings = new Map<number, Map<string, number>>();

  get size(): number {
    return this.keys.length;
  }

  /** The id of `key`, creating it if new, and counts one use of `spelling`. */
  intern(key: string, spelling: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(key, id);
      this.keys.push(key);
      this.best.push(spelling);
      this.bestCount.push(1);
      return id;
    }
    this.noteSpelling(id, spelling);
    return id;
  }

  /** The id of a known key, or undefined. */
  idOf(key: string): number | undefined {
    return this.ids.get(key);
  }

  key(id: number): string {
    return this.keys[id];
  }

  /** The most frequent spelling; on a tie, the one that reached that count first. */
  display(id: number): string {
    return this.best[id];
  }

  private noteSpelling(id: number, spelling: string): void {
    let tally = this.spellings.get(id);
    if (tally === undefined) {
      if (spelling === this.best[id]) {
        this.bestCount[id] += 1;
        return;
      }
      tally = new Map([[this.best[id], this.bestCount[id]]]);
      this.spellings.set(id, tally);
    }
    const count = (tally.get(spelling) ?? 0) + 1;
    tally.set(spelling, count);
    if (count > this.bestCount[id]) {
      this.best[id] = spelling;
      this.bestCount[id] = count;
    } else if (spelling === this.best[id]) {
      this.bestCount[id] = count;
    }
  }
}
