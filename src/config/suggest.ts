// "Did you mean" for misspelled keys and program names: the closest candidate by edit
// distance, if it is close enough to be a typo rather than a different word.

/** Returns ` (did you mean "x"?)` for the nearest candidate, or "" when none is near. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = nearest(word, candidates);
  return best === null ? '' : ` (did you mean ${JSON.stringify(best)}?)`;
}

/** The candidate closest to word, or null when every one is too far to be a typo. */
export function nearest(word: string, candidates: Iterable<string>): string | null {
  const lower = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // One edit turns any one- or two-letter word into another: only a case change counts there.
  const limit = word.length < 3 ? 0 : Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : null;
}

// Optimal string alignment distance: a swapped pair of letters ("restrat") counts as one edit.
function distance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? Infinity;
}
