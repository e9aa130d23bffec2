/** CPU time and resident memory of a child process, from /proc (Linux), for the benchmarks that run services. */
import { readFileSync } from 'node:fs';

export interface ProcessSample {
  cpuTicks: number;
  rssMb: number;
}

export function sample(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  // Fields 14 and 15 of /proc/PID/stat (utime, stime) are at 11 and 12 after the command name.
  return { cpuTicks: Number(stat[11]) + Number(stat[12]), rssMb: rssKb / 1024 };
}

/** Percent of one core used between two samples `ms` apart (100 ticks a second on Linux). */
export const cpuPercent = (a: ProcessSample, b: ProcessSample, ms: number) => ((b.cpuTicks - a.cpuTicks) / 100 / (ms / 1_000)) * 100;
