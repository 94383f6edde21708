/**
 * Finding containerd and its shims by what their command lines mention (the data dir, the socket):
 * shims outlive containerd by design, so "is anything of ours still running" is answered from /proc.
 */
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessInfo {
  pid: number;
  /** argv, as in /proc/<pid>/cmdline. */
  argv: string[];
}

/** Processes whose command line contains `needle` (the calling process excluded). */
export async function findProcesses(needle: string, procDir = '/proc'): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  for (const entry of await readdir(procDir)) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let raw: string;
    try {
      raw = await readFile(`${procDir}/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    if (!raw.includes(needle)) continue;
    found.push({ pid, argv: raw.split('\0').filter((a) => a !== '') });
  }
  return found;
}

/** Whether `pid` names a live process (a zombie counts as gone). */
export async function isAlive(pid: number, procDir = '/proc'): Promise<boolean> {
  try {
    const stat = await readFile(`${procDir}/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /s.test(stat);
  } catch {
    return false;
  }
}

/** The argv of a live process, or null. */
export async function processArgv(pid: number, procDir = '/proc'): Promise<string[] | null> {
  try {
    const raw = await readFile(`${procDir}/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((a) => a !== '');
  } catch {
    return null;
  }
}
