/**
 * CPU time and resident memory of a child process, or of a tree of them, from /proc (Linux), for the
 * benchmarks that run services.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessSample {
  cpuTicks: number;
  rssMb: number;
}

/**
 * The fields of a /proc/PID/stat after the command name (which may hold spaces and parentheses): state, ppid,
 * ...; utime and stime (fields 14 and 15) are at 11 and 12, cutime and cstime (16 and 17) at 13 and 14.
 */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
}

export function sample(pid: number): ProcessSample {
  const stat = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuTicks: Number(stat[11]) + Number(stat[12]), rssMb: rssKb / 1024 };
}

/** Clock ticks a second of /proc's CPU times (USER_HZ: 100 on Linux). */
export const TICKS_PER_SECOND = 100;

/** Percent of one core used between two samples `ms` apart. */
export const cpuPercent = (a: ProcessSample, b: ProcessSample, ms: number) => ((b.cpuTicks - a.cpuTicks) / TICKS_PER_SECOND / (ms / 1_000)) * 100;

/**
 * CPU time of this process's children that have exited and been waited for, in ticks (Linux: `cutime` and
 * `cstime`): what a child used over its whole life, read once it is gone.
 */
export function reapedChildrenTicks(): number {
  const fields = statFields(readFileSync('/proc/self/stat', 'utf8'));
  return Number(fields[13]) + Number(fields[14]);
}

/** CPU time and resident memory of a process and of every process below it. */
export interface TreeSample {
  /** User and system time of the processes and of their children that have exited (reaped), in ticks. */
  cpuTicks: number;
  /** The sum of the processes' RSS in bytes: a page shared by several (a fork's) counts once in each. */
  rssBytes: number;
  processes: number;
}

/** Samples `pid` and its descendants, found by their parent ids in /proc (Linux); zeros once it is gone. */
export function sampleTree(pid: number): TreeSample {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const fields = statFields(stat);
    const parent = Number(fields[1]);
    if (children.has(parent)) children.get(parent)!.push(Number(name));
    else children.set(parent, [Number(name)]);
    ticks.set(Number(name), Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]));
  }
  const tree = { cpuTicks: 0, rssBytes: 0, processes: 0 };
  for (const queue = ticks.has(pid) ? [pid] : []; queue.length > 0;) {
    const next = queue.pop()!;
    queue.push(...(children.get(next) ?? []));
    try {
      tree.rssBytes += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${next}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      continue; // exited meanwhile
    }
    tree.cpuTicks += ticks.get(next) ?? 0;
    tree.processes += 1;
  }
  return tree;
}
