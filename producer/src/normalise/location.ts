/**
 * Where a post was made: its exact point, or the centre of its place's bounding box. Every function here
 * takes raw payload values and says precisely what was wrong with them, so the normaliser can count it.
 */

/** A point in degrees, in range, and not null island. */
export interface Point {
  lon: number;
  lat: number;
}

export type Located =
  | { ok: true; point: Point }
  /** `bad_coordinates`: numbers missing, out of range, or (0, 0); `unknown_place`: no bounding box to use. */
  | { ok: false; reason: 'bad_coordinates' | 'unknown_place' };

const BAD: Located = { ok: false, reason: 'bad_coordinates' };
const UNUSABLE_BOX: Located = { ok: false, reason: 'unknown_place' };

/**
 * Checks a longitude and a latitude. (0, 0), "null island", is rejected: it is what broken clients send
 * for "no fix", not a place anyone posts from.
 */
export function checkPoint(lon: unknown, lat: unknown): Located {
  if (typeof lon !== 'number' || typeof lat !== 'number') return BAD;
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return BAD; // also false for NaN
  if (lon === 0 && lat === 0) return BAD;
  return { ok: true, point: { lon, lat } };
}

/**
 * A GeoJSON `Point` geometry's position. `order` is `lonlat` for GeoJSON proper and `latlon` for the v1.1
 * `geo` field, which predates GeoJSON conventions and lists latitude first.
 */
export function geoJsonPoint(geometry: unknown, order: 'lonlat' | 'latlon' = 'lonlat'): Located {
  if (typeof geometry !== 'object' || geometry === null) return BAD;
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (type !== 'Point' || !Array.isArray(coordinates) || coordinates.length < 2) return BAD;
  const [a, b] = coordinates as unknown[];
  return order === 'lonlat' ? checkPoint(a, b) : checkPoint(b, a);
}

/**
 * The centre of a `[west, south, east, north]` box. A box whose west edge is east of its east edge crosses
 * the antimeridian (Fiji, Chukotka): its centre is halfway along the short way round, not near longitude 0.
 */
export function boxCentre(west: unknown, south: unknown, east: unknown, north: unknown): Located {
  const sw = checkRange(west, south);
  const ne = checkRange(east, north);
  if (!sw || !ne || sw.lat > ne.lat) return BAD;
  const width = sw.lon <= ne.lon ? ne.lon - sw.lon : ne.lon + 360 - sw.lon;
  let lon = sw.lon + width / 2;
  if (lon > 180) lon -= 360;
  return checkPoint(lon, (sw.lat + ne.lat) / 2);
}

/** The centre of a v2 place's `geo.bbox`, `[west, south, east, north]`. */
export function bboxCentre(bbox: unknown): Located {
  if (!Array.isArray(bbox) || bbox.length !== 4) return UNUSABLE_BOX;
  return boxCentre(bbox[0], bbox[1], bbox[2], bbox[3]);
}

/**
 * The centre of a v1.1 place's `bounding_box`, a GeoJSON polygon of its four corners. The corners come in
 * no reliable order, so the box is their extent; when taking the extent straight across would span more
 * than half the globe, the box is taken to cross the antimeridian instead.
 */
export function polygonCentre(boundingBox: unknown): Located {
  if (typeof boundingBox !== 'object' || boundingBox === null) return UNUSABLE_BOX;
  const { type, coordinates } = boundingBox as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' || !Array.isArray(coordinates)) return UNUSABLE_BOX;
  const ring: unknown = coordinates[0];
  if (!Array.isArray(ring) || ring.length === 0) return UNUSABLE_BOX;
  // Loops, not Math.min(...spread): a hostile ring of a million corners must not overflow the stack.
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  let westOfAntimeridian = Infinity; // the smallest longitude >= 0
  let eastOfAntimeridian = -Infinity; // the largest longitude < 0
  for (const corner of ring) {
    if (!Array.isArray(corner) || corner.length < 2) return UNUSABLE_BOX;
    const checked = checkRange(corner[0], corner[1]);
    if (!checked) return BAD;
    const { lon, lat } = checked;
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
    if (lon >= 0) westOfAntimeridian = Math.min(westOfAntimeridian, lon);
    else eastOfAntimeridian = Math.max(eastOfAntimeridian, lon);
  }
  // A box from -180 to 180 is the whole way round, whichever way it is read.
  const wholeWayRound = west === -180 && east === 180;
  if (east - west > 180 && !wholeWayRound) {
    west = westOfAntimeridian;
    east = eastOfAntimeridian;
  }
  return boxCentre(west, south, east, north);
}

/** A position whose numbers are in range; unlike `checkPoint`, (0, 0) is fine as a corner. */
function checkRange(lon: unknown, lat: unknown): Point | null {
  if (typeof lon !== 'number' || typeof lat !== 'number') return null;
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return null;
  return { lon, lat };
}
