/** The tally of `npm run faults`: its counts, the summary line issue 15 names, and the exit code. */

export interface Tally {
  scenarios: number;
  crashes: number;
  unhandled: number;
  leaks: number;
  lost: number;
  /** Checks beside the four of the summary line: wrong code, a write to the car, too many calls. */
  failed: number;
  /** Scenarios whose input was served without meeting the fault (cache, stream). */
  unmet: number;
  /** One line per failed check. */
  lines: string[];
}

export function newTally(): Tally {
  return { scenarios: 0, crashes: 0, unhandled: 0, leaks: 0, lost: 0, failed: 0, unmet: 0, lines: [] };
}

/** Adds what one worker counted to the whole. */
export function addTally(into: Tally, part: Tally): void {
  into.scenarios += part.scenarios;
  into.crashes += part.crashes;
  into.unhandled += part.unhandled;
  into.leaks += part.leaks;
  into.lost += part.lost;
  into.failed += part.failed;
  into.unmet += part.unmet;
  into.lines.push(...part.lines);
}

/** The summary line, exactly as issue 15 names it. */
export function summary(t: Tally): string {
  return `faults: ${t.scenarios} scenarios, ${t.crashes} crashes, ${t.unhandled} unhandled, ${t.leaks} secrets shown, ${t.lost} lost`;
}

/** The fewest scenarios a run of the whole suite must count (issue 15: "at least 300"). */
export const MIN_SCENARIOS = 300;

/**
 * 0 when nothing went wrong; 1 when a crash, an unhandled rejection, a secret shown, a lost input
 * or another failed check (a wrong code, a write to the car, too many calls) was counted, or when
 * a whole run counted fewer than MIN_SCENARIOS (a suite that stopped early proves nothing).
 */
export function exitCode(t: Tally, whole: boolean): 0 | 1 {
  if (t.crashes || t.unhandled || t.leaks || t.lost || t.failed) return 1;
  return whole && t.scenarios < MIN_SCENARIOS ? 1 : 0;
}
