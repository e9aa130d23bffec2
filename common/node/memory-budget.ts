/**
 * The store's memory budget (`MEMORY_BUDGET`, `--memory-budget`): what the map-server's counts may take, in
 * bytes. Counts stay exact while they fit it; past it the long tail is summarised and answers say
 * `approximate`. Its bounds live here, apart from the configuration, so that the engine (map-server/) and
 * the configuration (common/node/config.ts) read the same numbers without common/ depending on map-server/.
 */

/** Bytes in a mebibyte. */
const MIB = 1024 * 1024;

/**
 * The budget when none is given. It counts the counts' columns only: the runtime, the newest posts kept for
 * the list, the dedupe's ids, the sockets and the garbage collector's slack come on top, so half of a 1 GiB
 * container goes to the counts and half is left for the rest: a choice, which `npm run bench -- store`
 * checks by reading resident memory beside what the counts take.
 */
export const DEFAULT_MEMORY_BUDGET_BYTES = 512 * MIB;

/**
 * The smallest budget the configuration takes. The store needs some room: below this it would summarise
 * from the first minutes of even a small load, and such a value is more likely a slip (`MEMORY_BUDGET=512`,
 * bytes, meant as MB) than a wish. The engine itself takes any budget of 0 or more (tests use tiny ones).
 */
export const MIN_MEMORY_BUDGET_BYTES = 16 * MIB;
