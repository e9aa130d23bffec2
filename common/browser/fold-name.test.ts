import { describe, expect, it } from 'vitest';
import { foldName } from './fold-name';

describe('foldName', () => {
  it('drops accents and case, so a plain prefix finds an accented name', () => {
    expect(foldName('São Paulo')).toBe('sao paulo');
    expect(foldName('Zürich').startsWith(foldName('zur'))).toBe(true);
    expect(foldName("Côte d'Ivoire")).toBe("cote d'ivoire");
    expect(foldName('ÅLESUND')).toBe('alesund');
  });

  it('folds widths and composed and decomposed forms alike, and leaves other letters', () => {
    expect(foldName('Ｌｙｏｎ')).toBe('lyon');
    expect(foldName('Zu\u0308rich')).toBe(foldName('Z\u00fcrich'));
    expect(foldName('Øresund')).toBe('øresund');
    expect(foldName('東京')).toBe('東京');
  });
});
