import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TagDictionary } from './tag-dictionary';

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
        const shown = (dict: TagDictionary) =>
          Array.from({ length: dict.size }, (_, id) => [dict.key(id), dict.display(id), dict.idOf(dict.key(id))]);
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
});
