/**
 * X's 64-bit "snowflake" post ids: the top bits are milliseconds since X's epoch, the low 22 bits a worker
 * and a sequence number. Used to date a post that carries no creation time, and to make realistic ids.
 */

/** X's epoch, in ms since the Unix epoch. */
export const SNOWFLAKE_EPOCH_MS = 1_288_834_974_657n;

/** Bits below the timestamp (worker and sequence). */
export const SNOWFLAKE_TIME_SHIFT = 22n;

/** The id of a post created at `ms` (ms since the Unix epoch), with `low` in the bits below the time. */
export function snowflakeId(ms: number, low = 0n): bigint {
  const sinceEpoch = BigInt(Math.floor(ms)) - SNOWFLAKE_EPOCH_MS;
  return ((sinceEpoch > 0n ? sinceEpoch : 0n) << SNOWFLAKE_TIME_SHIFT) | low;
}

/** When a snowflake id was made, in ms since the Unix epoch. */
export function snowflakeTime(id: bigint): number {
  return Number((id >> SNOWFLAKE_TIME_SHIFT) + SNOWFLAKE_EPOCH_MS);
}
