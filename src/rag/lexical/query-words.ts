import type { Analyzer } from "./analyzer";

/**
 * Words that shape a question but say nothing about its subject: interrogatives, auxiliaries,
 * pronouns of the asker and the asked, politeness and greetings. They are dropped from the QUERY
 * side only (documents keep them: "Can I return…" in an FAQ's question still reads naturally and
 * the analyzers' stop lists stay document lists). Without this, "What are your opening hours?"
 * ranks a long page full of "what" and "your" above the one line with "opening hours".
 * Per primary language; a language without a list keeps every query word.
 */
const FILLER: Record<string, string> = {
  en:
    "what what's whats wat when where which who whom whose why how how's much many long do does did doing done can " +
    "could would will shall should may might must is are was were am be been being i i'm im i'd i'll me my mine " +
    "myself you you're your yours u ur we us our ours please pls plz tell know let lets want wanna like need " +
    "have has had there here any some anything something hi hello hey dear thanks thank thx ok okay so well just " +
    "also still about get give find possible way ways it its it's that this the a an to of via " +
    // Pronouns of third parties, prepositions and aspect or time-of-asking adverbs: the reply carries the
    // subject, not these ("How do I use wishlists and share them?", "entry conditions right now").
    "they them their theirs he him his she her hers itself themselves from for with in on at by into " +
    "got gets getting really actually even ever already " +
    "currently now nowadays anymore " +
    // The particle of a phrasal verb, whose verb carries it ("shows up", "pick up").
    "up",
  de:
    "was wie wann wo woher wohin welche welcher welches welchen welchem wer wen wem wessen warum wieso weshalb " +
    "wieviel wieviele viel viele lange kann kannst können könnt könnte könnten darf dürfen muss müssen soll " +
    "sollte sollten würde würden möchte möchten will wollen ist sind war waren bin bist sein gibt gibt's es ich " +
    "mir mich mein meine meinen meinem meiner du dir dich dein deine sie ihnen ihr ihre ihren ihrem euer eure " +
    "euch wir uns unser unsere bitte danke hallo guten tag sagen wissen gerne gern der die das den dem des ein " +
    "eine einen einem einer und oder zu man mal denn auch noch etwas irgendwie über " +
    "seid habt hat habe haben hast wird werden wurde für mit im in am vom von zum zur bei beim euren eurem eurer " +
    "jetzt gerade aktuell schon eigentlich",
};

const patterns = new Map<string, RegExp | null>();

/** The filler pattern of a language (built once): whole words only, Unicode-aware, any case. */
const fillerOf = (language: string): RegExp | null => {
  let pattern = patterns.get(language);
  if (pattern === undefined) {
    const words = FILLER[language]?.split(" ");
    pattern = words
      ? new RegExp(
          `(?<![\\p{L}\\p{N}'\u2019])(?:${words.map((w) => w.replace(/'/g, "['\u2019]")).join("|")})(?![\\p{L}\\p{N}]|['\u2019]\\p{L})`,
          "giu",
        )
      : null;
    patterns.set(language, pattern);
  }
  return pattern;
};

/** `text` without the question's filler words of `language` (unchanged for a language without a list). */
export const stripQueryFiller = (language: string, text: string): string => {
  const pattern = fillerOf(language.toLowerCase().split(/[-_]/)[0] ?? "");
  return pattern ? text.replace(pattern, " ") : text;
};

/**
 * The terms a query is searched with: the analyzer's terms of the question without its filler
 * words. A question of filler only ("Who are you?") keeps all its terms: searching nothing would
 * hide that the question was asked at all, and confidence (which drops them too) rejects the result.
 */
export const queryTerms = (analyzer: Analyzer, text: string): string[] => {
  const content = analyzer.analyze(stripQueryFiller(analyzer.language, text));
  return content.length > 0 ? content : analyzer.analyze(text);
};

/**
 * Light words of a question's frame: searched (they may matter: "work visa", "take back my passport"),
 * but a reply need not repeat them — "How long do refunds take?" is answered by "Refunds are processed
 * within 3-5 days", "How does the subscription work?" by what it does. Coverage weighs them a quarter.
 */
const LIGHT: Record<string, ReadonlySet<string>> = {
  en: new Set([
    "take",
    "took",
    "taken",
    "us",
    "work",
    "use",
    "offer",
    "avail",
    "available",
    "provid",
    "provide",
    "happen",
    "exist",
    "mean",
    "requir",
    "option",
    "time",
    // Generic verbs of a question's frame ("Do you accept fireworks?", "What can I put in a 40 foot container?"); not buy or sell,
    // which name what a shop question is about ("What food do you sell?").
    "put",
    "keep",
    "kept",
    "hold",
    "run",
    "accept",
    "includ",
    "arriv",
    "compar",
    // Negations are searched ("Don't you ship on weekends?") but the reply states the rule in its own words.
    "can't",
    "cannot",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "isn't",
    "aren't",
  ]),
  de: new Set([
    "dauert",
    "dauern",
    "funktioniert",
    "funktionieren",
    "benutzen",
    "nutzen",
    "verfügbar",
    "bietet",
    "bieten",
    "anbieten",
    "gibt",
    "zeit",
    "uhrzeit",
    "benutzt",
    "nutzt",
    "verwendet",
    "verwenden",
    "leisten",
    "reicht",
    "bekomme",
    "bekommen",
    "nehmt",
    "nehmen",
    "akzeptiert",
    "akzeptieren",
  ]),
};
export const LIGHT_WEIGHT = 0.25;

/** Whether an analysed query term is a light word of a question's frame in `language`. */
export const isLightQueryTerm = (language: string, term: string): boolean =>
  LIGHT[language.toLowerCase().split(/[-_]/)[0] ?? ""]?.has(term) ?? false;

/**
 * Question words that a kind of value answers: "How much does the visa cost?" is answered by
 * "Business visa (M): 12,000 RUB" though the line never says "cost", "When do you open on Sunday?" by
 * "Sunday: 1:00 PM – 7:00 PM". A unit holding such a value counts as carrying these words.
 */
const MONEY =
  /\d[\d.,\u00a0 ]*\s?(?:€|\$|£|₽|eur\b|euro|usd\b|rub\b|rub(?:les?)\b|roubles?\b|dollars?\b|yuan\b|rmb\b|chf\b|gbp\b)|(?:€|\$|£)\s?\d/i;
const CLOCK = /\b\d{1,2}(?::\d{2}|\.\d{2}\s?uhr|\s?(?:am|pm|uhr)\b)/i;
// A span of time answers how fast or soon ("emailed within 1 hour", "next-day delivery"). German keeps
// its own words out: "schnell" is as often about the product as about the wait.
const SPAN =
  /\b\d+(?:[.,]\d+)?(?:\s?[-–]\s?\d+)?\s?(?:business\s|working\s)?(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|werktagen?|tagen?|wochen?|stunden?|minuten?)\b|\b(?:same|next)[- ]day\b/i;
// A figure given as a lower bound ("loads from 10 kg", "not less than $45", "at least 3 days") answers "minimum"; a time of day ("from 9:00") is no such bound.
const LEAST =
  /(?:\bfrom|\bat\s+least|\bnot\s+less\s+than|\bminimum(?:\s+of)?|\bmin\.?)\s+(?:€|\$|£)?\d+(?![:.]\d{2}|\d|\s?(?:am|pm)\b)/i;
const SHAPES: Record<string, { pattern: RegExp; terms: ReadonlySet<string> }[]> = {
  en: [
    { pattern: MONEY, terms: new Set(["cost", "price", "fee", "charg", "expens", "cheap", "worth", "valu"]) },
    {
      pattern: CLOCK,
      terms: new Set(["open", "close", "hour", "start", "begin", "leav", "depart", "departur", "finish", "end"]),
    },
    { pattern: SPAN, terms: new Set(["fast", "quick", "quickli", "soon"]) },
    { pattern: LEAST, terms: new Set(["minimum", "least", "smallest"]) },
  ],
  de: [
    {
      pattern: MONEY,
      terms: new Set(["kostet", "kosten", "preis", "preise", "teuer", "gebühr", "gebühren", "günstig"]),
    },
    {
      pattern: CLOCK,
      terms: new Set(["geöffnet", "öffnet", "offen", "öffnungszeiten", "schließt", "geschlossen", "auf", "zu"]),
    },
  ],
};

/** The question words of `language` that `text` answers by the values it holds (a price, a time of day). */
export const termsAnsweredBy = (language: string, text: string): string[] =>
  (SHAPES[language.toLowerCase().split(/[-_]/)[0] ?? ""] ?? [])
    .filter((s) => s.pattern.test(text))
    .flatMap((s) => [...s.terms]);

/**
 * Whether an analysed query term is one a kind of value answers ("cost", "price", "open"): a passage
 * carries it only by holding such a value (or saying the word), so one without it does not give what
 * was asked ("What is the export clearance price?": a page on clearance with no price answers nothing).
 */
export const isValueWord = (language: string, term: string): boolean =>
  (SHAPES[language.toLowerCase().split(/[-_]/)[0] ?? ""] ?? []).some((s) => s.terms.has(term));
