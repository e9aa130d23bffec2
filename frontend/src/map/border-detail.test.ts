import { describe, expect, it } from 'vitest';
import { borderDetail } from './border-detail';

const FINE_FROM = 4;

describe('borderDetail', () => {
  it('draws 110m below fineFromZoom and loads nothing, wherever the fine borders are', () => {
    for (const fine of ['absent', 'loading', 'ready'] as const) {
      for (const zoom of [0, 2, 3.75]) expect(borderDetail(zoom, FINE_FROM, fine)).toEqual({ draw: '110m', load: false });
    }
  });

  it('from fineFromZoom on, loads 50m the first time and keeps 110m until it is there', () => {
    expect(borderDetail(4, FINE_FROM, 'absent')).toEqual({ draw: '110m', load: true });
    expect(borderDetail(5.5, FINE_FROM, 'loading')).toEqual({ draw: '110m', load: false });
    expect(borderDetail(4, FINE_FROM, 'ready')).toEqual({ draw: '50m', load: false });
    expect(borderDetail(18, FINE_FROM, 'ready')).toEqual({ draw: '50m', load: false });
  });

  it('loads again after a failed load (absent again) only when the zoom asks for 50m', () => {
    expect(borderDetail(3, FINE_FROM, 'absent').load).toBe(false);
    expect(borderDetail(6, FINE_FROM, 'absent').load).toBe(true);
  });

  it('follows the option', () => {
    expect(borderDetail(3, 3, 'ready').draw).toBe('50m');
    expect(borderDetail(3, 5, 'ready').draw).toBe('110m');
  });
});
