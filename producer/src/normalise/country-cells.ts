/**
 * A cache of the country lookup by grid cell that gives the same answers as the lookup itself.
 *
 * The world is cut into cells of `CELL_DEGREES`. A cell that no border crosses lies wholly in one country,
 * or wholly in the sea, so the first answer for a point in it is the answer for every point in it: it is
 * kept, and later points there skip the point-in-polygon test. A cell some border crosses is never cached:
 * its points are tested one by one, as without the cache.
 *
 * Which cells a border crosses is worked out once from the borders' segments: the cells of points along each
 * segment at most a cell apart, and the cells around each of them, count as crossed. That is a superset of
 * the cells it truly crosses, so no cell is wrongly cached, even where a coordinate falls on a cell's edge.
 *
 * Memory: one byte a cell for the answers and one bit for the crossed map: at 0.1° that is 6.5 MB and
 * 0.8 MB, filled only where posts are (a typed array's untouched pages cost nothing resident).
 */
import type { Position } from 'geojson';

/** Cell size, in degrees of longitude and latitude: a few km, small beside a country, large beside a city. */
export const CELL_DEGREES = 0.1;
const COLUMNS = Math.round(360 / CELL_DEGREES);
const ROWS = Math.round(180 / CELL_DEGREES);
/** Answers by cell: 0 not yet known, 1 no country, 2 + i the i-th code in `codes`. */
const UNKNOWN = 0;
const NO_COUNTRY = 1;

/**
 * The cell of a point, or -1 outside the world (or not a number): such points are always looked up. The
 * world's eastern and northern edges (180°, 90°) belong to the last column and row.
 */
function cellOf(lon: number, lat: number): number {
  if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) return -1;
  const column = Math.min(Math.floor((lon + 180) / CELL_DEGREES), COLUMNS - 1);
  const row = Math.min(Math.floor((lat + 90) / CELL_DEGREES), ROWS - 1);
  return row * COLUMNS + column;
}

export class CountryCells {
  private readonly crossed = new Uint8Array(Math.ceil((COLUMNS * ROWS) / 8));
  private readonly answers = new Uint8Array(COLUMNS * ROWS);
  private readonly codes: string[] = [];
  private readonly codeIndex = new Map<string, number>();

  /** `rings`: every ring of every border the lookup tests, in the lookup's (planar) coordinates. */
  constructor(rings: Iterable<Position[]>) {
    for (const ring of rings) {
      for (let i = 1; i < ring.length; i += 1) this.markSegment(ring[i - 1], ring[i]);
    }
  }

  /** The answer for (lon, lat), from its cell when that is known, else from `lookup` (then kept when it may be). */
  countryAt(lon: number, lat: number, lookup: (lon: number, lat: number) => string | null): string | null {
    const cell = cellOf(lon, lat);
    if (this.isCrossed(cell)) return lookup(lon, lat);
    const known = this.answers[cell];
    if (known !== UNKNOWN) return known === NO_COUNTRY ? null : this.codes[known - 2];
    const answer = lookup(lon, lat);
    this.answers[cell] = answer === null ? NO_COUNTRY : this.indexOf(answer);
    return answer;
  }

  /** Whether a border crosses the cell of (lon, lat), so that its points are never answered from the cache. */
  crossedAt(lon: number, lat: number): boolean {
    return this.isCrossed(cellOf(lon, lat));
  }

  /** A cell outside the world (-1) counts as crossed: its points are always looked up. */
  private isCrossed(cell: number): boolean {
    return cell < 0 || (this.crossed[cell >> 3] & (1 << (cell & 7))) !== 0;
  }

  private indexOf(code: string): number {
    let index = this.codeIndex.get(code);
    if (index === undefined) {
      // 254 codes fit a byte beside UNKNOWN and NO_COUNTRY; the world has about 250, and any past that are
      // looked up each time, as a crossed cell's are.
      if (this.codes.length >= 254) return UNKNOWN;
      index = this.codes.push(code) + 1;
      this.codeIndex.set(code, index);
    }
    return index;
  }

  /**
   * Marks the cells a segment passes through: points along it at most a cell apart, each with the cells
   * around it (so a cell the segment only clips between two points is marked too).
   */
  private markSegment([x1, y1]: Position, [x2, y2]: Position): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x2 - x1), Math.abs(y2 - y1)) / CELL_DEGREES));
    for (let step = 0; step <= steps; step += 1) {
      const column = Math.floor((x1 + ((x2 - x1) * step) / steps + 180) / CELL_DEGREES);
      const row = Math.floor((y1 + ((y2 - y1) * step) / steps + 90) / CELL_DEGREES);
      for (let r = Math.max(0, row - 1); r <= Math.min(ROWS - 1, row + 1); r += 1) {
        for (let c = Math.max(0, column - 1); c <= Math.min(COLUMNS - 1, column + 1); c += 1) {
          const cell = r * COLUMNS + c;
          this.crossed[cell >> 3] |= 1 << (cell & 7);
        }
      }
    }
  }
}
