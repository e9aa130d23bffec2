/**
 * A moment in the reader's time zone and language, as a post time or an archive's time is read: the time
 * alone when it is today ("14:05:09"), the date as well when it is not ("13 Jul 2014, 19:05:09"), so a
 * replayed archive never passes for today.
 */

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Whether two moments fall on the same calendar day where the reader is. */
export function sameDay(a: number, b: number): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

/** `ms` as the reader reads it at `nowMs`: the time today, the date and time any other day. */
export function formatMoment(ms: number, nowMs: number): string {
  return sameDay(ms, nowMs) ? timeFormat.format(ms) : dateTimeFormat.format(ms);
}
