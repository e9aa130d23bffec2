import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TagDictionary, type TagDictionarySnapshot } from './tag-dictionary';

/** Each id's key, display form and the id its key is found at, over the whole id bound. */
const shown = (dict: TagDictionary) => Array.from({ length: dict.size }, (_, id) => [dict.key(id), dict.display(id), dict.idOf(dict.key(id))]);

/** A key the model holds: its id, and per spelling its uses and the step at which it reached that many. */
interface ModelTag {
  id: number;
  spellings: Map<string, { count: number; reachedAt: number }>;
}

/** What the dictionary must show, said plainly: live keys, free ids, and display forms by their definition. */
class Model {
  readonly tags = new Map<string, ModelTag>();
  readonly free = new Set<number>();
  bound = 0;
  private step = 0;

  intern(key: string, spelling: string): number {
    let tag = this.tags.get(key);
    if (tag === undefined) {
      // The smallest freed id first; the bound grows only when none is free.
      const id = this.free.size > 0 ? Math.min(...this.free) : this.bound++;
      this.free.delete(id);
      tag = { id, spellings: new Map() };
      this.tags.set(key, tag);
    }
    const use = tag.spellings.get(spelling) ?? { count: 0, reachedAt: 0 };
    tag.spellings.set(spelling, { count: use.count + 1, reachedAt: (this.step += 1) });
    return tag.id;
  }

  retain(isLive: (id: number) => boolean): number {
    let forgotten = 0;
    for (const [key, tag] of this.tags) {
      if (isLive(tag.id)) continue;
      this.tags.delete(key);
      this.free.add(tag.id);
      forgotten += 1;
    }
    return forgotten;
  }

  /** The most used spelling; on a tie, the first to reach that count. */
  display(key: string): string {
    const uses = [...this.tags.get(key)!.spellings].sort(([, a], [, b]) => b.count - a.count || a.reachedAt - b.reachedAt);
    return uses[0][0];
  }
}

describe('TagDictionary', () => {
  it('gives one id per key and shows its most frequent spelling', () => {
    const dict = new TagDictionary();
    const a = dict.intern('worldcup', 'worldcup');
    expect(dict.intern('worldcup', 'WorldCup')).toBe(a);
    expect(dict.display(a)).toBe('worldcup'); // 1:1, the first to reach the count keeps it
    dict.intern('worldcup', 'WorldCup');
    expect(dict.display(a)).toBe('WorldCup');
    dict.intern('worldcup', 'worldcup');
    dict.intern('worldcup', 'worldcup');
    expect(dict.display(a)).toBe('worldcup');
    expect(dict.key(a)).toBe('worldcup');
    expect(dict.idOf('worldcup')).toBe(a);
    expect(dict.idOf('ai')).toBeUndefined();
    expect(dict.size).toBe(1);
  });

  it('restores from a snapshot one that keeps choosing the same spellings as the saved one', () => {
    const use = fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('x', 'X', 'y'));
    fc.assert(
      fc.property(fc.array(use, { maxLength: 40 }), fc.array(use, { maxLength: 40 }), (before, after) => {
        const saved = new TagDictionary();
        for (const [key, spelling] of before) saved.intern(key + 'k', key + spelling);
        const restored = TagDictionary.restore(structuredClone(saved.snapshot()));
        expect(shown(restored)).toEqual(shown(saved));
        for (const [key, spelling] of after) {
          expect(restored.intern(key + 'k', key + spelling)).toBe(saved.intern(key + 'k', key + spelling));
          expect(shown(restored)).toEqual(shown(saved));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a snapshot whose tallies name an id it does not have', () => {
    const dict = new TagDictionary();
    dict.intern('a', 'a');
    dict.intern('a', 'A');
    const snapshot = { ...dict.snapshot(), tallyIds: Uint32Array.of(5) };
    expect(() => TagDictionary.restore(snapshot)).toThrow(/^dictionary\.tallyIds\[0\]: id 5 is not in the dictionary \(1 keys\)$/);
  });

  it('forgets the ids not retained and gives them out again, smallest first, to keys that start afresh', () => {
    const dict = new TagDictionary();
    for (const key of ['a', 'b', 'c', 'd', 'e']) dict.intern(key, key.toUpperCase());
    dict.intern('b', 'bee');
    dict.intern('b', 'bee');
    expect(dict.display(1)).toBe('bee');
    expect(dict.retain((id) => id === 0 || id === 2)).toBe(3); // b (1), d (3), e (4) go
    expect([dict.size, dict.liveCount]).toEqual([5, 2]);
    expect([dict.idOf('b'), dict.key(1), dict.display(1), dict.key(4), dict.display(4)]).toEqual([undefined, '', '', '', '']);
    expect(dict.retain(() => false)).toBe(2); // only the live ones are asked about and counted
    expect(dict.liveCount).toBe(0);
    // Every freed id is reused, smallest first, before the bound grows.
    expect(['f', 'b', 'g', 'h', 'i', 'j'].map((key) => dict.intern(key, key))).toEqual([0, 1, 2, 3, 4, 5]);
    // The reused id's tally starts afresh: "bee" (twice, before) is gone, "B" now beats "b" only by count.
    expect(dict.display(1)).toBe('b');
    dict.intern('b', 'B');
    expect(dict.display(1)).toBe('b');
    dict.intern('b', 'B');
    expect(dict.display(1)).toBe('B');
    expect([dict.size, dict.liveCount]).toEqual([6, 6]);
  });

  it('refuses an empty key, which marks a freed id', () => {
    expect(() => new TagDictionary().intern('', 'x')).toThrow(new RangeError('a tag key is never empty'));
  });

  it('saves freed ids as holes, and restores every key, display form and tally, and the order freed ids are reused in', () => {
    const dict = new TagDictionary();
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) dict.intern(key, key);
    for (const spelling of ['A', 'A', 'a', 'AA']) dict.intern('a', spelling);
    for (const spelling of ['F', 'F']) dict.intern('f', spelling);
    dict.intern('c', 'c');
    dict.retain((id) => id === 0 || id === 2 || id === 5); // a, c and f stay; 1, 3, 4 freed
    const snapshot = dict.snapshot();
    expect(snapshot.keys).toEqual(['a', '', 'c', '', '', 'f']);
    expect(snapshot.display).toEqual(['A', '', 'c', '', '', 'F']);
    expect([...snapshot.displayCount]).toEqual([2, 0, 2, 0, 0, 2]);
    expect([...snapshot.tallyIds]).toEqual([0, 5]);
    const restored = TagDictionary.restore(structuredClone(snapshot));
    expect(shown(restored)).toEqual(shown(dict));
    expect([restored.size, restored.liveCount, restored.bytes()]).toEqual([dict.size, dict.liveCount, dict.bytes()]);
    expect(restored.snapshot()).toEqual(snapshot);
    // The tallies came back: the same spellings win after the same uses.
    for (const d of [dict, restored]) for (const spelling of ['a', 'a', 'f', 'f', 'f']) d.intern(spelling, spelling);
    expect([restored.display(0), restored.display(5)]).toEqual(['a', 'f']);
    expect(shown(restored)).toEqual(shown(dict));
    const next = ['x', 'y', 'z', 'w'];
    expect(next.map((key) => restored.intern(key, key))).toEqual([1, 3, 4, 6]);
    expect(next.map((key) => dict.intern(key, key))).toEqual([1, 3, 4, 6]);
  });

  it('restores a snapshot written before ids were freed as it always did', () => {
    const old: TagDictionarySnapshot = {
      keys: ['worldcup', 'ai'],
      display: ['WorldCup', 'AI'],
      displayCount: Float64Array.of(2, 1),
      tallyIds: Uint32Array.of(0),
      tallySizes: Uint32Array.of(2),
      spellings: ['worldcup', 'WorldCup'],
      spellingCounts: Float64Array.of(1, 2),
    };
    const dict = TagDictionary.restore(old);
    expect([dict.size, dict.liveCount, dict.idOf('ai'), dict.display(0)]).toEqual([2, 2, 1, 'WorldCup']);
    expect(dict.intern('new', 'new')).toBe(2);
  });

  it('refuses a snapshot with a damaged hole or a key twice', () => {
    const dict = new TagDictionary();
    for (const key of ['a', 'b', 'c']) dict.intern(key, key);
    dict.intern('c', 'C');
    dict.retain((id) => id !== 1);
    const restore = (change: (s: TagDictionarySnapshot) => void) => () => {
      const s = structuredClone(dict.snapshot());
      change(s);
      return TagDictionary.restore(s);
    };
    expect(restore(() => {})).not.toThrow();
    expect(restore((s) => (s.display[1] = 'b'))).toThrow(new RangeError("dictionary.display[1]: a freed id (key '') has a display form or count"));
    expect(restore((s) => (s.displayCount[1] = 1))).toThrow(new RangeError("dictionary.display[1]: a freed id (key '') has a display form or count"));
    expect(restore((s) => (s.tallyIds[0] = 1))).toThrow(new RangeError('dictionary.tallyIds[0]: id 1 is freed and has a tally of spellings'));
    expect(restore((s) => (s.keys[1] = 'c'))).toThrow(new RangeError('dictionary.keys[2]: "c" is there twice'));
  });

  it('estimates its memory by its strings, one byte a Latin-1 character and two otherwise, and lets it go when it forgets', () => {
    const dict = new TagDictionary();
    // Five ids first, so that the Map's table (counted for the bound rounded up to a power of two) stays at 8.
    for (const key of ['f0', 'f1', 'f2', 'f3', 'f4']) dict.intern(key, key);
    const empty = dict.bytes();
    const n = 136; // characters: a multiple of 8, so that no string's size is rounded up
    dict.intern('a'.repeat(n), 'A'.repeat(n));
    const latin = dict.bytes() - empty;
    dict.intern('é'.repeat(n), 'É'.repeat(n)); // Latin-1 still
    expect(dict.bytes() - empty).toBe(2 * latin);
    dict.intern('あ'.repeat(n), 'あ'.repeat(n));
    expect(dict.bytes() - empty).toBe(3 * latin + 2 * n); // two strings of one more byte a character
    const three = dict.bytes();
    dict.retain((id) => id !== 7);
    // Its strings go; its slots and Map entry stay (the bound does not go down), and a free-list slot comes.
    const wide = 2 * (16 + 2 * n);
    expect(three - dict.bytes()).toBe(wide - 8);
    dict.intern('z'.repeat(n), 'z'.repeat(n));
    expect(dict.bytes()).toBe(three - wide + 2 * (16 + n));
  });

  it('behaves as its model through interning, forgetting and restoring: live ids stay, none is shared, freed ids come first', () => {
    const op = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('intern' as const),
          key: fc.integer({ min: 0, max: 11 }),
          spelling: fc.constantFrom('x', 'X', 'y'),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('retain' as const), live: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('restore' as const) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        let dict = new TagDictionary();
        const model = new Model();
        for (const o of ops) {
          if (o.kind === 'intern') {
            const key = `k${o.key}`;
            expect(dict.intern(key, key + o.spelling)).toBe(model.intern(key, key + o.spelling));
          } else if (o.kind === 'retain') {
            // Asked about each live id once, ascending, and about no freed one.
            const live = [...model.tags.values()].map((tag) => tag.id).sort((a, b) => a - b);
            const asked: number[] = [];
            expect(dict.retain((id) => (asked.push(id), o.live[id]))).toBe(model.retain((id) => o.live[id]));
            expect(asked).toEqual(live);
          } else {
            dict = TagDictionary.restore(structuredClone(dict.snapshot()));
          }
          expect([dict.size, dict.liveCount]).toEqual([model.bound, model.tags.size]);
          const ids = [...model.tags.values()].map((tag) => tag.id);
          expect(new Set(ids).size).toBe(ids.length);
          for (const [key, tag] of model.tags)
            expect([dict.idOf(key), dict.key(tag.id), dict.display(tag.id)]).toEqual([tag.id, key, model.display(key)]);
          for (const id of model.free) expect([dict.key(id), dict.display(id)]).toEqual(['', '']);
          // The memory kept count of as things changed is what a count from scratch (a restore) finds.
          expect(dict.bytes()).toBe(TagDictionary.restore(dict.snapshot()).bytes());
        }
      }),
      { numRuns: 300 },
    );
  });
});
