/**
 * The store's memory budget (`MEMORY_BUDGET`, `--memory-budget`): what the map-server's counts may take, in
 * bytes. Counts stay exact while they fit it; past it the long tail is summarised and answers say
 * `approximate`. Its bounds live here, apart from the configuration, so that the engine (map-server/) and
 * the configuration (common/node/config.ts) read the same numbers without common/ depending on map-server/.
 */

/** Bytes in a mebibyte. */
const MIB = 1024 * 1024;

/**
 * The budget when none is given, sized so that the whole process fits a 1 GiB container at X's worldwide
 * average rate. It counts the counts, the tag dictionary and the dedupe's ids; the runtime (about 155 MB
 * idle), the newest posts kept for the list, the sockets and the garbage collector's slack come on top. With
 * 512 MB, `npm run bench -- store-rate` (6,000 posts/s, a 1M-tag vocabulary) settled at 1,003 MB of resident
 * memory after one hour and 1,076 MB after two: the slack was 60-70 % of what the budget counts. 384 MB
 * leaves room for it.
 */
export const DEFAULT_MEMORY_BUDGET_BYTES = 384 * MIB;

/**
 * The smallest budget the configuration takes. The store needs some room: below this it would summarise
 * from the first minutes of even a small load, and such a value is more likely a slip (`MEMORY_BUDGET=512`,
 * bytes, meant as MB) than a wish. The engine itself takes any budget of 0 or more (tests use tiny ones).
 */
export const MIN_MEMORY_BUDGET_BYTES = 16 * MIB;
