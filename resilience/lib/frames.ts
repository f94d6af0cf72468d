/** Bookkeeping over numbered frames (seq 0 … n-1, sent in order on one serial line). */

/**
 * Frames the agent skipped while it was running: within one life (from its first accepted frame to
 * its last, or to `until`), a frame that was written to the line but is not accepted. The line
 * is ordered and lossless (a pty), so such a gap is the agent's own loss.
 */
export function lifeGaps(
  life: number[],
  accepted: Set<number>,
  undeliverable: Set<number>,
  until?: number,
): number[] {
  if (life.length === 0) return [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of life) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const gaps: number[] = [];
  for (let s = lo; s <= (until ?? hi); s++) if (!accepted.has(s) && !undeliverable.has(s)) gaps.push(s);
  return gaps;
}

/** One line per phase (`[label, first seq]`, in order): sent / accepted / stored. */
export function countPhases(
  total: number,
  phases: [string, number][],
  accepted: Set<number>,
  stored: Set<number>,
): string[] {
  return phases.map(([label, from], i) => {
    const to = phases[i + 1]?.[1] ?? total;
    let a = 0;
    let st = 0;
    for (let s = from; s < to; s++) {
      if (accepted.has(s)) a++;
      if (stored.has(s)) st++;
    }
    return `${label}: sent ${to - from}, accepted ${a}, stored ${st}`;
  });
}
