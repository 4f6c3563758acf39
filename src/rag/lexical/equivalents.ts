import type { Analyzer } from "./analyzer";

/**
 * Words customers and support documents use for the same thing: "When do I pay?" against "Payment
 * upon visa readiness", "take back my passport" against "return the passport", "initiate a return"
 * against "the return process begins". A stemmer cannot join them (pay/payment, take back/return), so
 * a small list per primary language does, for the searched query and for the words an answer must
 * cover — never for a document's stored terms (nothing to re-index; a list change applies at once).
 * Kept deliberately small and about customer service only: a wrong equivalence retrieves and answers
 * with the wrong passage. Each group's first word is the one the others are read as; a phrase
 * ("take back") is read as that word where it stands in the text. A language without a list (the
 * generic analyzer has no stemmer, so its list names each form) reads every word as itself.
 */
const GROUPS: Record<string, readonly (readonly string[])[]> = {
  en: [
    ["payment", "pay", "paying", "paid"],
    ["return", "take back", "taking back", "send back", "sending back", "give back", "bring back"],
    ["begin", "begins", "start", "starts", "initiate", "initiates"],
  ],
  de: [
    ["zahlung", "zahlen", "bezahlen", "bezahlung", "zahle", "bezahle", "zahlt", "bezahlt"],
    ["rückgabe", "zurückgeben", "zurückschicken", "zurücksenden", "zurückbringen"],
    ["beginn", "beginnen", "beginnt", "anfangen", "fängt", "starten", "startet"],
  ],
};

export type Equivalents = {
  /** The term a term is read as: its group's first word's, or itself. */
  canon(term: string): string;
  /** The other terms read as the same one (empty for a word of no group). */
  others(term: string): readonly string[];
  /** `text` with each listed phrase replaced by its group's first word. */
  rewrite(text: string): string;
};

const NONE: Equivalents = { canon: (t) => t, others: () => [], rewrite: (t) => t };
const built = new Map<string, Equivalents>();

/** The equivalences of an analyzer's language, in its terms (built once per analyzer). */
export const equivalentsOf = (analyzer: Analyzer): Equivalents => {
  const key = `${analyzer.id}:${analyzer.language}`;
  let found = built.get(key);
  if (found) return found;
  const groups = GROUPS[analyzer.language.toLowerCase().split(/[-_]/)[0] ?? ""];
  if (!groups) {
    built.set(key, NONE);
    return NONE;
  }
  const canonOf = new Map<string, string>();
  const members = new Map<string, string[]>();
  const phrases: [RegExp, string][] = [];
  for (const group of groups) {
    const head = group[0];
    const first = analyzer.analyze(head)[0] ?? head;
    const all = new Set<string>([first]);
    for (const word of group.slice(1)) {
      if (word.includes(" ")) {
        // "send the item back": up to two words may stand between a verb and its particle; they stay ("return the item").
        const [verb, ...rest] = word.split(" ");
        phrases.push([
          new RegExp(
            `(?<![\\p{L}\\p{N}])${verb}((?:\\s+[\\p{L}\\p{N}'’]+){0,2}?)\\s+${rest.join("\\s+")}(?![\\p{L}\\p{N}])`,
            "giu",
          ),
          `${head}$1`,
        ]);
        continue;
      }
      for (const t of analyzer.analyze(word)) all.add(t);
    }
    // A term already in an earlier group stays there: one reading per term.
    const own = [...all].filter((t) => !canonOf.has(t));
    for (const t of own) canonOf.set(t, first);
    for (const t of own)
      members.set(
        t,
        own.filter((o) => o !== t),
      );
  }
  found = {
    canon: (t) => canonOf.get(t) ?? t,
    others: (t) => members.get(t) ?? [],
    rewrite: (text) => phrases.reduce((s, [re, head]) => s.replace(re, head), text),
  };
  built.set(key, found);
  return found;
};

/** An analyzer reading each listed word and phrase as its group's first word (id `<base>+eq`). */
export const withEquivalents = (analyzer: Analyzer): Analyzer => {
  const eq = equivalentsOf(analyzer);
  if (eq === NONE) return analyzer;
  const key = `${analyzer.id}:${analyzer.language}`;
  let reading = readers.get(key);
  if (!reading)
    readers.set(
      key,
      (reading = {
        id: `${analyzer.id}+eq`,
        language: analyzer.language,
        analyze: (text) => analyzer.analyze(eq.rewrite(text)).map(eq.canon),
      }),
    );
  return reading;
};
const readers = new Map<string, Analyzer>();
