import type { Passage } from "./types";

/**
 * The current document over a superseded one. Businesses keep last year's files next to this year's
 * ("prices-2025.pdf", "prices-2026.pdf"), and both match a price question equally well; quoting the
 * old one is a wrong answer. Two sources are versions of one document when their names (file name
 * without extension, or title) are equal once dates are taken out; the version is the latest date
 * in the name or title (2026, 2026-03, 2026-03-15, 15.03.2026). Among the passages retrieved for a
 * turn, those of an older version are dropped when a newer version of the same document is there too.
 * A document without a date in its name is never dropped. Costs one pass over the top passages.
 */
const DATE =
  /(?<!\d)((?:19|20)\d{2})(?:[-_./](0[1-9]|1[0-2])(?:[-_./](0[1-9]|[12]\d|3[01]))?)?(?!\d)|(?<!\d)(0[1-9]|[12]\d|3[01])[./](0[1-9]|1[0-2])[./]((?:19|20)\d{2})(?!\d)/g;

type Version = { family: string; date: number };

/** The document family (name without dates and separators) and its latest date as yyyymmdd, or null without a date. */
export const versionOf = (name: string): Version | null => {
  const base = (name.split("/").at(-1) ?? name).replace(/\.[a-z0-9]{1,5}$/i, "");
  let date = 0;
  for (const m of base.matchAll(DATE)) {
    const [year, month, day] = m[1] ? [m[1], m[2] ?? "00", m[3] ?? "00"] : [m[6], m[5], m[4]];
    date = Math.max(date, Number(`${year}${month}${day}`));
  }
  if (date === 0) return null;
  const family = base
    .replace(DATE, " ")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
  return family === "" ? null : { family, date };
};

const versionOfPassage = (p: Passage): Version | null => versionOf(p.source) ?? versionOf(p.title);

/** `passages` without those whose document a newer version in the same list supersedes (order kept, renumbered). */
export const preferCurrent = (passages: readonly Passage[]): Passage[] => {
  const newest = new Map<string, number>();
  const versions = passages.map(versionOfPassage);
  for (const v of versions) if (v) newest.set(v.family, Math.max(newest.get(v.family) ?? 0, v.date));
  if (newest.size === 0) return [...passages];
  return passages
    .filter((_, i) => {
      const v = versions[i];
      return !v || v.date >= (newest.get(v.family) ?? 0);
    })
    .map((p, i) => ({ ...p, n: i + 1 }));
};
