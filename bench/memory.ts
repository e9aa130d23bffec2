/** Memory for the benchmarks' figures: a full collection (under `--expose-gc`), and bytes as whole MiB. */

/** A full collection; nothing when the process was started without `--expose-gc`. */
export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Bytes as whole MiB for the benchmarks' lines, e.g. `512 MB`. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}
