/**
 * What a bench reads from a trendmap process it started: the processes log through pino, and the replay's
 * progress and summary are `info` lines, so a bench runs them with `LOG_LEVEL=info LOG_FORMAT=json` (the
 * format a pipe gets anyway) and reads the messages back out.
 */

/** Environment for a child whose replay summary the bench reads. */
export const SUMMARY_LOG_ENV = { LOG_LEVEL: 'info', LOG_FORMAT: 'json' } as const;

/** The `msg` of each JSON log line of `output`, in order; a line that is not one is kept as it is. */
export function logMessages(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        const msg = (JSON.parse(line) as { msg?: unknown } | null)?.msg;
        return typeof msg === 'string' ? msg : line;
      } catch {
        return line;
      }
    });
}
