import type { InjectionFinding } from "./detect";

/**
 * A passage held back at ingest: what the detector found, and — once the owner has looked and
 * disagreed — who released it and when. A chunk with a `quarantine` that is not released is stored
 * (so the owner can see it) but never indexed or retrieved by any backend.
 */
export type Quarantine = InjectionFinding & { released?: { by: string; at: string } };

/** A held-back (or released) passage as the owner reviews it. */
export type QuarantinedPassage = {
  source: string;
  /** The passage number within its source (`xin knowledge release SOURCE --passage N`). */
  ordinal: number;
  chunk_id: string;
  /** sha256 of the passage's index text: a release applies to this exact content. */
  hash: string;
  heading: string;
  text: string;
  quarantine: Quarantine;
};
