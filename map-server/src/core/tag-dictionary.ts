/**
 * Interns hashtag keys as small integers, so that the window store's maps are keyed by numbers (cheaper to
 * hash and smaller than strings), and remembers how each key is spelled.
 *
 * The display form of a key is its most frequent original spelling since the key was last interned afresh
 * (a restart from a snapshot carries every tally over, so that it keeps choosing the spelling it would have
 * without one). Most keys are only ever spelled one way, so a second spelling allocates a per-key tally
 * lazily; until then a key costs two strings and a few slots (`bytes`).
 *
 * Forgetting: the counts are bounded by the memory budget (old buckets expire, summaries drop the long tail),
 * so the ids they still hold are too; `retain` forgets every other id, and `intern` hands the freed ids out
 * again, smallest first (so that arrays indexed by id stay dense at the low end), before it numbers a new one.
 * A reused id starts afresh: new key, new spelling, tally 1. The id bound (`size`) never goes down: arrays
 * sized by it and the snapshots' checks (`tag id < size`) stay valid, and a freed id is only a hole, '' in
 * both its key and its display form (no real key is '': the event contract and `checkHashtag` refuse it).
 */
import { checkObject, checkStrings, checkSum, checkTyped, damaged } from './snapshot-check';

/** A dictionary as plain data: parallel arrays by id, and the spelling tallies flattened. */
export interface TagDictionarySnapshot {
  /** The key of each id; '' for a freed id. */
  keys: string[];
  /** The display form of each id ('' for a freed id), and how often it was used (the count it must be beaten by; 0 when freed). */
  display: string[];
  displayCount: Float64Array;
  /** The ids that have a tally of spellings, ascending, and how many spellings each has... */
  tallyIds: Uint32Array;
  tallySizes: Uint32Array;
  /** ...which follow here, tally after tally, with their counts. */
  spellings: string[];
  spellingCounts: Float64Array;
}

/*
 * What `bytes` counts, in bytes, as V8 lays it out (x64, no pointer compression: Node 20 and 24 alike).
 * Measured once (26 Nov, a scratch script: heap used after `global.gc()` with `--expose-gc`, keys with a
 * display string each of their own, as JSON.parse gives them), per key, and what `bytes` says:
 * - 1M keys of 10–20 characters: 132.3 B (strings 69.8; Map 29.4 and three arrays 31.3, measured apart);
 *   `bytes` 129.2. After `retain` kept every other id: 102.0 B per id under the bound; `bytes` 98.3;
 * - the same with a second spelling each (a tally of 2): 380.6 B; `bytes` 384.1. Kept every other: 240.9; 225.7;
 * - the same in Japanese characters (two bytes each): 158.1 B; `bytes` 156.8;
 * - 640k keys of 139 characters: 407.4 B; `bytes` 395.9. Kept every other: 252.2; 239.9;
 * - 100k keys of 10–20 characters: 160.6 B; `bytes` 136.5 (the heap's own overhead shows at this size).
 * A tally of 1 to 4 spellings took 221 B (200k tallies), of 8: 333, of 16: 557, of 32: 1,005.
 */
/** A string's header (map, hash, length), before its characters; the whole rounded up to 8. */
const STRING_HEADER_BYTES = 16;
/**
 * Per entry the key -> id Map has room for: its share of the hash table (key, value and chain: 3 slots of 8,
 * and half a bucket). V8 sizes the table in powers of two and keeps it until it is less than a quarter full;
 * the bound is the most ids ever live at once (freed ids are reused first), so the table is counted as the
 * bound rounded up to a power of two.
 */
const MAP_SLOT_BYTES = 28;
/** Per id under the bound, live or freed: its slots in the three arrays by id (8 bytes each, 1.25 times: the arrays' room to grow). */
const ID_SLOT_BYTES = 30;
/** Per freed id: its slot in the free list. */
const FREE_SLOT_BYTES = 8;
/** Per tally of spellings: a Map of its own, and its entry in the Map of tallies... */
const TALLY_BYTES = 164;
/** ...and per spelling in it (the table doubles from 4 spellings to 8, 16, ...; this is its average share). */
const TALLY_ENTRY_BYTES = 28;
/** Marks a freed id, in `keys` and `best` here and in a snapshot's `keys` and `display`. */
const FREED = '';

/** What V8 takes for `text`: one byte a character when all are Latin-1, else two, after the header. */
function stringBytes(text: string): number {
  const width = /[\u0100-\uffff]/.test(text) ? 2 : 1;
  return Math.ceil((STRING_HEADER_BYTES + text.length * width) / 8) * 8;
}

export class TagDictionary {
  private readonly ids = new Map<string, number>();
  /** By id: its key, display form and the count of that form; `FREED`, `FREED` and 0 for a freed id. */
  private readonly keys: string[] = [];
  private readonly best: string[] = [];
  private readonly bestCount: number[] = [];
  /** Tallies of every spelling, only for keys seen in more than one. */
  private readonly spellings = new Map<number, Map<string, number>>();
  /** The freed ids, descending: `pop` gives the smallest. */
  private free: number[] = [];
  /** What the strings and tallies of the live ids take (`bytes`), kept as they change. */
  private liveBytes = 0;

  /** The id bound: every id given out is below it, live or freed (size typed arrays by id with it). Never goes down. */
  get size(): number {
    return this.keys.length;
  }

  /** Ids in use: the bound less the freed ids. */
  get liveCount(): number {
    return this.keys.length - this.free.length;
  }

  /** The id of `key`, creating it if new (a freed id first, the smallest), and counts one use of `spelling`. */
  intern(key: string, spelling: string): number {
    let id = this.ids.get(key);
    if (id !== undefined) {
      this.noteSpelling(id, spelling);
      return id;
    }
    if (key === FREED) throw new RangeError('a tag key is never empty');
    id = this.free.pop() ?? this.keys.length;
    this.ids.set(key, id);
    this.keys[id] = key;
    this.best[id] = spelling;
    this.bestCount[id] = 1;
    this.liveBytes += stringBytes(key) + stringBytes(spelling);
    return id;
  }

  /** The id of a known key, or undefined. */
  idOf(key: string): number | undefined {
    return this.ids.get(key);
  }

  /** The key of `id`; '' for a freed id (no check: this is read in ranking loops, and callers hold live ids only). */
  key(id: number): string {
    return this.keys[id];
  }

  /** The most frequent spelling; on a tie, the one that reached that count first. '' for a freed id, as `key`. */
  display(id: number): string {
    return this.best[id];
  }

  /**
   * Forgets every id that `isLive` says no to (asked once per live id, ascending): its key, display form and
   * tally go, and the id is given out again by `intern`. Returns how many it forgot. Takes a predicate, not
   * a list of ids to forget: the caller marks what its counts hold (a bitmap by id), and need not know which
   * ids are already free. Every structure holding ids must be marked, or an id it holds is reused for
   * another tag. O(size).
   */
  retain(isLive: (id: number) => boolean): number {
    let forgotten = 0;
    for (let id = 0; id < this.keys.length; id += 1) {
      if (this.keys[id] === FREED || isLive(id)) continue;
      this.liveBytes -= this.idBytes(id);
      this.ids.delete(this.keys[id]);
      this.spellings.delete(id);
      this.keys[id] = FREED;
      this.best[id] = FREED;
      this.bestCount[id] = 0;
      forgotten += 1;
    }
    if (forgotten > 0) this.free = this.freedIds();
    return forgotten;
  }

  /**
   * An estimate of the dictionary's memory, for the budget: per live id its key and display strings and its
   * tally of spellings, if any; per id under the bound its array slots and its share of the Map's table; per
   * freed id its place in the free list (see the constants). Within about 10% of the heap it takes (see above).
   */
  bytes(): number {
    // An empty dictionary is counted as nothing, as the empty counts are.
    const table = this.keys.length === 0 ? 0 : 2 ** Math.ceil(Math.log2(this.keys.length));
    return this.liveBytes + table * MAP_SLOT_BYTES + this.keys.length * ID_SLOT_BYTES + this.free.length * FREE_SLOT_BYTES;
  }

  /** A copy of everything the dictionary holds, as plain data (freed ids as '' keys). */
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

  /**
   * The dictionary `snapshot` copied, freed ids ('' keys) free again (given out in the same order as by the
   * saved one); `where` names it in the RangeError a malformed snapshot gets. A snapshot written before ids
   * were freed has no '' key and restores as it always did.
   */
  static restore(snapshot: TagDictionarySnapshot, where = 'dictionary'): TagDictionary {
    const s = checkObject(snapshot, where);
    const keys = checkStrings(s.keys, `${where}.keys`);
    const display = checkStrings(s.display, `${where}.display`, keys.length);
    const displayCount = checkTyped(s.displayCount, Float64Array, `${where}.displayCount`, keys.length);
    const dictionary = new TagDictionary();
    keys.forEach((key, id) => {
      if (key === FREED) {
        if (display[id] !== FREED || displayCount[id] !== 0) damaged(`${where}.display[${id}]`, "a freed id (key '') has a display form or count");
      } else {
        if (dictionary.ids.has(key)) damaged(`${where}.keys[${id}]`, `"${key}" is there twice`);
        dictionary.ids.set(key, id);
      }
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
      if (keys[id] === FREED) damaged(`${where}.tallyIds[${i}]`, `id ${id} is freed and has a tally of spellings`);
      const tally = new Map<string, number>();
      for (const end = at + tallySizes[i]; at < end; at += 1) tally.set(spellings[at], counts[at]);
      dictionary.spellings.set(id, tally);
    });
    dictionary.free = dictionary.freedIds();
    for (const id of dictionary.ids.values()) dictionary.liveBytes += dictionary.idBytes(id);
    return dictionary;
  }

  /** The freed ids, descending. */
  private freedIds(): number[] {
    const free: number[] = [];
    for (let id = this.keys.length - 1; id >= 0; id -= 1) if (this.keys[id] === FREED) free.push(id);
    return free;
  }

  /** What live id `id` adds to `liveBytes`: its key, and its display form or tally. */
  private idBytes(id: number): number {
    const tally = this.spellings.get(id);
    let bytes = stringBytes(this.keys[id]);
    if (tally === undefined) return bytes + stringBytes(this.best[id]);
    // The display form is one of the tally's spellings (the same string).
    bytes += TALLY_BYTES;
    for (const spelling of tally.keys()) bytes += TALLY_ENTRY_BYTES + stringBytes(spelling);
    return bytes;
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
      this.liveBytes += TALLY_BYTES + TALLY_ENTRY_BYTES;
    }
    const count = (tally.get(spelling) ?? 0) + 1;
    if (count === 1) this.liveBytes += TALLY_ENTRY_BYTES + stringBytes(spelling);
    tally.set(spelling, count);
    if (count > this.bestCount[id]) {
      this.best[id] = spelling;
      this.bestCount[id] = count;
    } else if (spelling === this.best[id]) {
      this.bestCount[id] = count;
    }
  }
}
