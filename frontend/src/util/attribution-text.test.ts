import { describe, expect, it } from 'vitest';
import { attributionText } from './attribution-text';

describe('attributionText', () => {
  it('reduces markup to readable text', () => {
    expect(attributionText('&copy; <a href="https://osm.org/copyright">OpenStreetMap</a>  contributors')).toBe('© OpenStreetMap contributors');
    expect(attributionText('<img src=x onerror=alert(1)>Tiles &#169; Esri')).toBe('Tiles © Esri');
    expect(attributionText('plain & simple')).toBe('plain & simple');
  });
});
