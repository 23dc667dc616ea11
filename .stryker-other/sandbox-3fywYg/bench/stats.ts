/** How the bench turns repeated runs into one figure: the median, rounded for the table. */
// @ts-nocheck

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? Number.NaN) + (s[mid] ?? Number.NaN)) / 2;
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * CPU time this process has spent so far, in µs (user + system). The bench's timings use it, not
 * the wall clock: on a machine shared with other work (CI, parallel builds), the time a process
 * waits for a core is no cost of what it runs, and it swung wall-clock figures by 2x between runs.
 */
export function cpuMicros(): number {
  const spent = process.cpuUsage();
  return spent.user + spent.system;
}

/** A forced GC (the bench runs with --expose-gc); throws without it: a memory figure without one is not taken. */
export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run the bench with node --expose-gc (npm run bench does)');
  collect();
}
