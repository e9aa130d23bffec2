/** Bytes as whole MiB for the benchmarks' lines, e.g. `512 MB`. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}
