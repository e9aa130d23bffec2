/**
 * The remainder that takes the divisor's sign: `modulo(-1, 60)` is 59 where `-1 % 60` is -1. For the slot
 * of a minute in a ring buffer (the windows' minute rings, the tile counts' buckets) and for wrapping a
 * longitude, where a negative index must land in the ring, not before it.
 */
export function modulo(n: number, m: number): number {
  return ((n % m) + m) % m;
}
