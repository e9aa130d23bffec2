import { describe, expect, it } from 'vitest';
import { HistoryDictionary } from './history-dictionary';

describe('history dictionary', () => {
  it('numbers tags for good, and hands over each new one once', () => {
    const dictionary = new HistoryDictionary();
    expect(dictionary.intern('paris', 'Paris')).toBe(0);
    expect(dictionary.intern('tokyo', 'Tokyo')).toBe(1);
    expect(dictionary.intern('paris', 'PARIS')).toBe(0);
    expect([dictionary.idOf('tokyo'), dictionary.idOf('lima'), dictionary.key(1), dictionary.display(0)]).toEqual([1, -1, 'tokyo', 'Paris']);
    expect(dictionary.takeAdded()).toEqual([
      { key: 'paris', display: 'Paris' },
      { key: 'tokyo', display: 'Tokyo' },
    ]);
    expect(dictionary.takeAdded()).toEqual([]);
    dictionary.intern('lima', 'Lima');
    expect(dictionary.takeAdded()).toEqual([{ key: 'lima', display: 'Lima' }]);
  });

  it('reads back what it handed over, all saved, ids in place after a key written twice', () => {
    const dictionary = HistoryDictionary.of([
      { key: 'a', display: 'A' },
      { key: 'b', display: 'B' },
      { key: 'a', display: 'A' },
      { key: 'c', display: 'C' },
    ]);
    expect(dictionary.size).toBe(4);
    expect(['a', 'b', 'c'].map((key) => dictionary.idOf(key))).toEqual([0, 1, 3]);
    expect(dictionary.key(3)).toBe('c');
    expect(dictionary.takeAdded()).toEqual([]);
    expect(dictionary.intern('d', 'D')).toBe(4);
    expect(dictionary.takeAdded()).toEqual([{ key: 'd', display: 'D' }]);
  });
});
