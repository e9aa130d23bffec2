/** The types of build-server.mjs, for the TypeScript that calls it (`npm run bench -- spark`, tests). */
export declare const SERVER_ENTRIES: Record<string, string>;

/**
 * Bundles `entryPoints` (by default the servers') into `outdir` (relative to the root), as `npm start` runs them,
 * and removes the bundles and maps in `outdir` that it did not write (earlier builds' chunks).
 */
export declare function buildServer(options?: { entryPoints?: Record<string, string>; outdir?: string }): Promise<void>;
