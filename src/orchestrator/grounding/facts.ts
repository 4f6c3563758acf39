/**
 * Facts in a text — the parts of an answer a customer acts on and a model invents most easily:
 * URLs, e-mail addresses, phone numbers, numbers (prices, percentages, times, dates, durations, ids),
 * codes (LOYAL20, Q2, dima_tri, RMA) and proper names. `factsOf` lists them; `FactIndex` holds those
 * of the passages in normalised form, so that "9:30" finds "9.30", "12,000" finds "12 000",
 * "8 PM" finds "20:00", "€50" finds "50 euros" and "thirty days" finds "30 days".
 * Everything is regular expressions over a few hundred characters: cheap enough for every answer.
 */
export type FactKind = "url" | "email" | "phone" | "number" | "code" | "name" | "currency" | "quantity";
export type Fact = { kind: FactKind; raw: string; values: string[] };

// A link: with a scheme, www., a path after any domain, or a bare domain with a common top-level domain.
const URL =
  /\bhttps?:\/\/[^\s<>()"'\]]+|\bwww\.[^\s<>()"'\]]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,12}\/[^\s<>()"'\]]*|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|de|ru|cn|ng|co|uk|fr|es|it|nl|eu|info|biz|shop|app|dev|me|us|ca|au|ch|at|pl|in|ae)\b(?:\/[^\s<>()"'\]]*)?/gi;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
// A phone: 7+ digits in groups, starting with +, ( or a digit; a thousands-grouped amount is not one.
const PHONE = /(?:\+|\(\+?)?\d[\d\s().\-/]{5,}\d/g;
const THOUSANDS = /^\d{1,3}(?:[.,\s\u00a0\u202f']\d{3})+$/;
// A space separates thousands only before exactly three digits ("19 000 rub"), never "3 5".
const NUMBER = /\d+(?:(?:[.,:\u00a0\u202f']|\s(?=\d{3}(?!\d)))\d+)*/g;
// Codes: letters and digits mixed and not starting with a digit (LOYAL20, Q2, S7), handles (dima_tri),
// or capitals only (RMA, PCI). Digit-first tokens are numbers with a unit (28m2, 10kg, 3pm, 1st).
const CODE =
  /(?<![\p{L}\p{N}_])(?:\p{L}[\p{L}\p{N}]*\d[\p{L}\p{N}]*|[\p{L}\p{N}]+_[\p{L}\p{N}_]+|\p{Lu}{2,}\d*)(?![\p{L}\p{N}_])/gu;
const TITLED_NAME =
  /\b(?:Frau|Herrn?|Mr|Mrs|Ms|Miss|Dr|Prof|Madame|Monsieur|Mme|Señora?|Sr|Sra)\.?\s+(\p{Lu}\p{Ll}+)/gu;
const CAPITALISED = /(?<![\p{L}\p{N}])\p{Lu}[\p{L}\p{M}'’-]*/gu;
// Where sentences (or list items, quotes, brackets) start: a capital there is no sign of a name.
const STARTS = /(?:^|[.!?…:;\n•*"“(\-–—])\s*(?=\p{Lu})/gu;
// Capitals that are not facts: pronoun, time marks, courtesy.
const COMMON_CAPS = new Set(["i", "am", "pm", "ok", "faq", "ps", "q", "a"]);

const CURRENCIES: [RegExp, string][] = [
  [/\$|\busd\b|\bdollars?\b|\bus\$/i, "usd"],
  [/€|\beur\b|\beuros?\b/i, "eur"],
  [/£|\bgbp\b|\bpounds?\b/i, "gbp"],
  [/₦|\bngn\b|\bnaira\b/i, "ngn"],
  [/₽|\brub\b|\brubles?\b|\broubles?\b|\bруб/i, "rub"],
  [/¥|\bcny\b|\brmb\b|\byuan\b/i, "cny"],
  [/\bchf\b|\bfranc?s\b/i, "chf"],
];

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  ninety: 90,
  hundred: 100,
  zwei: 2,
  drei: 3,
  vier: 4,
  fünf: 5,
  sechs: 6,
  sieben: 7,
  acht: 8,
  neun: 9,
  zehn: 10,
  zwölf: 12,
  zwanzig: 20,
  dreißig: 30,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  dix: 10,
  trente: 30,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  diez: 10,
  treinta: 30,
};
// A number word in an answer is a fact only before a unit: "three days", not "one of our colleagues".
// Days and months as documents shorten them ("Mon–Sat", "Sept"): a reply writing them out names the same day.
const CALENDAR_SHORT: Record<string, string> = Object.fromEntries(
  (
    [
      ["monday", "mon"],
      ["tuesday", "tue", "tues"],
      ["wednesday", "wed"],
      ["thursday", "thu", "thur", "thurs"],
      ["friday", "fri"],
      ["saturday", "sat"],
      ["sunday", "sun"],
      ["january", "jan"],
      ["february", "feb"],
      ["march", "mar"],
      ["april", "apr"],
      ["june", "jun"],
      ["july", "jul"],
      ["august", "aug"],
      ["september", "sep", "sept"],
      ["october", "oct"],
      ["november", "nov"],
      ["december", "dec"],
    ] as const
  ).flatMap(([full, ...short]) => short.map((s) => [s, full])),
);
const NUMBER_WORD_FACT =
  /\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety)[\s_-]+(business[\s_-]+|working[\s_-]+|calendar[\s_-]+)?(days?|weeks?|months?|years?|hours?|minutes?|percent|euros?|dollars?|items?|times)\b/gi;

// A number with its unit: a duration ("3-5 business days", "14 Tage") or a percentage. The unit is part of
// the fact — "within 14 days" is not supported by "Document 14" — and is named the same in every language.
const QUANTITY =
  /(\d+(?:[.,]\d+)?)(?:\s*(?:-|–|to|or|bis|à|a|o)\s*(\d+(?:[.,]\d+)?))?[\s_-]*\+?[\s_-]*(?:(?:business|working|calendar|continuous|consecutive|full|banking)[\s_-]+){0,2}(%|percent\b|prozent\b|pour\s*cent\b|por\s*ciento\b|(?:werk|arbeits|kalender)?(?:days?|weeks?|months?|years?|hours?|minutes?|mins?|hrs?|tagen?|tage|wochen?|monate?n?|jahren?|stunden?|jours?|semaines?|mois|heures?|d[ií]as?|semanas?|mes(?:es)?|años?|horas?)\b)/gi;
const UNITS: [RegExp, string][] = [
  [/^(%|percent|prozent|pour|por)/, "%"],
  [/^(werk|arbeits|kalender)?(day|tag|jour|d[ií]a)/, "day"],
  [/^(week|woche|semaine|semana)/, "week"],
  [/^(month|monat|mois|mes)/, "month"],
  [/^(year|jahr|año)/, "year"],
  [/^(hour|hr|stunde|heure|hora)/, "hour"],
  [/^min/, "minute"],
];
const unitOf = (raw: string): string => UNITS.find(([re]) => re.test(raw.toLowerCase()))?.[1] ?? raw.toLowerCase();

/** `n unit` keys of the quantities in `text` (a range gives one per end). */
const quantitiesOf = (text: string): { raw: string; values: string[] }[] =>
  [...text.matchAll(QUANTITY)].map((m) => {
    const unit = unitOf(m[3]);
    return {
      raw: m[0],
      values: [m[1], m[2]].filter((n): n is string => !!n).map((n) => `${numberValues(n)[0]} ${unit}`),
    };
  });

/** Canonical forms of one written number: thousands separators dropped, "," or ":" as decimal mark, trailing ".0" gone. */
export const numberValues = (raw: string, after = ""): string[] => {
  const values = new Set<string>();
  const trimmed = raw.replace(/^0+(?=\d)/, "");
  if (THOUSANDS.test(trimmed)) values.add(trimmed.replace(/\D/g, ""));
  else {
    const dotted = trimmed.replace(/[\u00a0\u202f']/g, "").replace(/[,:]/g, ".");
    const [whole = "", ...rest] = dotted.split(".");
    const fraction = rest.join("");
    const w = whole.replace(/^0+(?=\d)/, "");
    values.add(/^0*$/.test(fraction) ? w : `${w}.${fraction}`);
    // A clock time: "8:00 PM" is also 20, "20:00" also 8 (PM).
    if (/^\s*p\.?m\b/i.test(after) && Number(w) < 12) values.add(String(Number(w) + 12));
    if (/[:.]\d\d$/.test(trimmed) && Number(w) > 12 && Number(w) < 24) values.add(String(Number(w) - 12));
  }
  return [...values];
};

const currenciesOf = (text: string): string[] => CURRENCIES.filter(([re]) => re.test(text)).map(([, code]) => code);

/** Cuts the matches of `re` that `take` keeps (returns true for) out of `text`, as spaces: positions and word bounds stay. */
const cut = (text: string, re: RegExp, take: (m: string) => boolean): string =>
  text.replace(re, (m) => (take(m) ? " ".repeat(m.length) : m));

/**
 * The facts of `text`. `names: false` leaves out capitalised words (for a language that capitalises
 * every noun, German: there a capital says nothing).
 */
export const factsOf = (text: string, options: { names?: boolean } = {}): Fact[] => {
  const facts: Fact[] = [];
  let rest = text.normalize("NFKC");
  const push = (kind: FactKind, raw: string, values: string[]) => facts.push({ kind, raw, values }) > 0;
  rest = cut(rest, EMAIL, (m) => push("email", m, [m.toLowerCase()]));
  rest = cut(rest, URL, (m) => push("url", m, [normaliseUrl(m)]));
  rest = cut(rest, PHONE, (m) => {
    const digits = m.replace(/\D/g, "");
    return (
      digits.length >= 7 &&
      !THOUSANDS.test(m.trim()) &&
      !/^\d{4}-\d\d-\d\d$/.test(m.trim()) &&
      push("phone", m, [digits])
    );
  });
  rest = cut(
    rest,
    CODE,
    (m) => !COMMON_CAPS.has(m.toLowerCase()) && currenciesOf(m).length === 0 && push("code", m, [m.toLowerCase()]),
  );
  for (const q of quantitiesOf(rest)) push("quantity", q.raw, q.values);
  for (const m of rest.matchAll(NUMBER))
    facts.push({
      kind: "number",
      raw: m[0],
      values: numberValues(m[0], rest.slice(m.index + m[0].length, m.index + m[0].length + 5)),
    });
  for (const m of rest.matchAll(NUMBER_WORD_FACT)) {
    const n = String(NUMBER_WORDS[m[1].toLowerCase()]);
    push("number", m[0], [n]);
    push("quantity", m[0], [`${n} ${unitOf(m[3])}`]);
  }
  if (/\d/.test(rest)) for (const c of currenciesOf(rest)) push("currency", c, [c]);
  // A person named with a title is a name in every language, German included: "Frau Schulz", "Dr. Okafor".
  for (const m of rest.matchAll(TITLED_NAME)) push("name", m[1], [m[1].toLowerCase()]);
  if (options.names !== false) {
    const starts = new Set<number>();
    for (const m of rest.matchAll(STARTS)) starts.add(m.index + m[0].length);
    for (const m of rest.matchAll(CAPITALISED)) {
      const word = m[0].replace(/['’]s$/, "");
      if (starts.has(m.index) || COMMON_CAPS.has(word.toLowerCase()) || /^I['’]/.test(word)) continue;
      push("name", word, [word.toLowerCase()]);
    }
  }
  return facts;
};

const normaliseUrl = (url: string): string =>
  url
    .toLowerCase()
    .replace(/[.,;:!?]+$/, "")
    .replace(/^https?:\/\//, "")
    .replace(/^www\./, "")
    .replace(/\/+$/, "");

/** The facts of a set of texts (the turn's passages), in the normalised forms answers are looked up in. */
export class FactIndex {
  readonly numbers = new Set<string>();
  readonly words = new Set<string>();
  readonly urls: string[] = [];
  readonly emails = new Set<string>();
  readonly phones: string[] = [];
  readonly currencies = new Set<string>();
  readonly quantities = new Set<string>();

  constructor(texts: readonly string[]) {
    for (const text of texts) {
      for (const f of factsOf(text)) {
        if (f.kind === "number") for (const v of f.values) this.numbers.add(v);
        else if (f.kind === "url") this.urls.push(f.values[0]);
        else if (f.kind === "email") this.emails.add(f.values[0]);
        else if (f.kind === "quantity") for (const v of f.values) this.quantities.add(v);
        else if (f.kind === "phone") this.phones.push(f.values[0]);
      }
      // Field names of structured sources ("three_days": "€85") are quantities too once read as words.
      if (text.includes("_"))
        for (const f of factsOf(text.replace(/_/g, " "), { names: false }))
          if (f.kind === "quantity") for (const v of f.values) this.quantities.add(v);
      const lower = text.normalize("NFKC").toLowerCase();
      for (const token of lower.match(/[\p{L}\p{N}_]+/gu) ?? []) {
        this.words.add(token);
        // Field names of structured sources ("three_days") hold words too.
        for (const w of token.includes("_") ? token.split("_") : [token]) {
          this.words.add(w);
          const day = CALENDAR_SHORT[w];
          if (day) this.words.add(day);
          const n = NUMBER_WORDS[w];
          if (n !== undefined) this.numbers.add(String(n));
        }
      }
      for (const c of currenciesOf(lower)) this.currencies.add(c);
    }
  }

  /** Whether `fact` is found among these texts. */
  has(fact: Fact): boolean {
    const v = fact.values[0];
    switch (fact.kind) {
      case "number":
        return fact.values.some((x) => this.numbers.has(x));
      case "email":
        return this.emails.has(v);
      case "url":
        // The bare site of a published link is fine ("shop.example" for "shop.example/help"); a longer path is not.
        return this.urls.some((u) => u === v || u.startsWith(`${v}/`));
      case "phone":
        // The same number with or without its country or trunk prefix: one ends with the other.
        return this.phones.some(
          (p) => p === v || (Math.min(p.length, v.length) >= 7 && (p.endsWith(v) || v.endsWith(p))),
        );
      case "quantity":
        return fact.values.every((x) => this.quantities.has(x));
      case "currency":
        return this.currencies.has(v);
      default:
        // A name in the plural or singular is the same name ("Saturdays" for "Saturday").
        return v
          .split(/[^\p{L}\p{N}_]+/u)
          .every(
            (part) =>
              part === "" ||
              this.words.has(part) ||
              this.words.has(part.replace(/e?s$/, "")) ||
              this.words.has(`${part}s`),
          );
    }
  }
}
