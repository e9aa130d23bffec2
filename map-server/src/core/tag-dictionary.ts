/**
 * Interns hashtag keys as small integers, so that the window store's maps are keyed by numbers (cheaper to
 * hash and smaller than strings), and remembers how each key is spelled.
 *
 * The display form of a key is its most frequent original spelling since counting started (a restart from a
 * snapshot carries every tally over, so that it keeps choosing the spelling it would have without one).
 * Most keys are only ever spelled one way, so a second spelling allocates a per-key tally lazily; until then
 * a key costs one string and two numbers.
 */
import { checkObject, checkStrings, checkSum, checkTyped, damaged } from './snapshot-check';

/** A dictionary as plain data: parallel arrays by id, and the spelling tallies flattened. */
export interface TagDictionarySnapshot {
  /** The key of each id. */
  keys: string[];
  /** The display form of each id, and how often it was used (the count it must be beaten by). */
  display: string[];
  displayCount: Float64Array;
  /** The ids that have a tally of spellings, ascending, and how many spellings each has... */
  tallyIds: Uint32Array;
  tallySizes: Uint32Array;
  /** ...which follow here, tally after tally, with their counts. */
  spellings: string[];
  spellingCounts: Float64Array;
}

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

  /** A copy of everything the dictionary holds, as plain data. */
  snapshot(): TagDictionarySnapshot {
    const tallyIds = [...this.spellings.keys()].sort((a, b) => a - b);
    const tallySizes = new Uint32Array(tallyIds.length);
    const spellings: string[] = [];
    const counts: number[] = [];
    tallyIds.forEach((id, i) => {
      const tally = this.spellings.get(id)!;
      tallySizes[i] = tally.size;
      for (const [spelling, count] of tally) {
        spellings.push(spelling);
        counts.push(count);
      }
    });
    return {
      keys: [...this.keys],
      display: [...this.best],
      displayCount: Float64Array.from(this.bestCount),
      tallyIds: Uint32Array.from(tallyIds),
      tallySizes,
      spellings,
      spellingCounts: Float64Array.from(counts),
    };
  }

  /** The dictionary `snapshot` copied; `where` names it in the RangeError a malformed snapshot gets. */
  static restore(snapshot: TagDictionarySnapshot, where = 'dictionary'): TagDictionary {
    const s = checkObject(snapshot, where);
    const keys = checkStrings(s.keys, `${where}.keys`);
    const display = checkStrings(s.display, `${where}.display`, keys.length);
    const displayCount = checkTyped(s.displayCount, Float64Array, `${where}.displayCount`, keys.length);
    const dictionary = new TagDictionary();
    keys.forEach((key, id) => {
      if (dictionary.ids.has(key)) damaged(`${where}.keys[${id}]`, `"${key}" is there twice`);
      dictionary.ids.set(key, id);
      dictionary.keys.push(key);
      dictionary.best.push(display[id]);
      dictionary.bestCount.push(displayCount[id]);
    });
    const tallyIds = checkTyped(s.tallyIds, Uint32Array, `${where}.tallyIds`);
    const tallySizes = checkTyped(s.tallySizes, Uint32Array, `${where}.tallySizes`, tallyIds.length);
    const spellings = checkStrings(s.spellings, `${where}.spellings`);
    const counts = checkTyped(s.spellingCounts, Float64Array, `${where}.spellingCounts`, spellings.length);
    checkSum(tallySizes, spellings.length, `${where}.tallySizes`);
    let at = 0;
    tallyIds.forEach((id, i) => {
      if (id >= keys.length) damaged(`${where}.tallyIds[${i}]`, `id ${id} is not in the dictionary (${keys.length} keys)`);
      const tally = new Map<string, number>();
      for (const end = at + tallySizes[i]; at < end; at += 1) tally.set(spellings[at], counts[at]);
      dictionary.spellings.set(id, tally);
    });
    return dictionary;
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
