/**
 * What kind of value a question asks for, and which answer units hold one. "How long does seller
 * verification take?" is answered by a duration ("2-3 business days"); a sentence that only repeats
 * "seller verification" is not an answer, however many words it shares. The kind becomes a term of
 * the question (a name no analyzer produces, so it never meets a word) that only a unit holding such a
 * value carries, so coverage and sentence selection count it like any other term.
 */
export const DURATION = "\u0000duration";
export const PRICE = "\u0000price";
export const CLOCK_TIME = "\u0000clock";

/** Whether a question term is a value kind rather than a word. */
export const isShape = (term: string): boolean => term.startsWith("\u0000");

type Shape = { term: string; asked: RegExp; held: RegExp };

// A count in figures or words ("two minutes", "drei Jahre"): documents write small numbers out.
const COUNT = String.raw`(?:\d+(?:[.,]\d+)?(?:\s?[-–]\s?\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|ein(?:e[nm]?)?|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|zwölf|vierzehn|dreißig)`;
const DURATION_HELD = new RegExp(
  String.raw`\b${COUNT}\s?(?:business\s|working\s|calendar\s)?(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|werktagen?|arbeitstagen?|tagen?|wochen?|monaten?|stunden?|minuten?|jahren?)\b|\b(?:same|next)[- ]day\b|\bovernight\b`,
  "i",
);
const PRICE_HELD =
  /\d+(?:[.,]\d+)?\s?%|\d[\d.,\u00a0 ]*\s?(?:€|\$|£|₽|eur\b|euro|usd\b|rub\b|rub(?:les?)\b|roubles?\b|dollars?\b|yuan\b|rmb\b|chf\b|gbp\b)|(?:€|\$|£|\b(?:eur|usd|gbp|chf|rub)\s)\s?\d|\bfree\b|\bkostenlos\b|\bgratis\b/i;
const CLOCK_HELD = /\b\d{1,2}(?::\d{2}|\.\d{2}\s?uhr|\s?(?:am|pm|uhr)\b)/i;

const SHAPES: Record<string, Shape[]> = {
  en: [
    {
      term: DURATION,
      asked: /\bhow long\b|\bhow many (?:days|weeks|hours|months)\b|\bhow soon\b/i,
      held: DURATION_HELD,
    },
    {
      term: PRICE,
      asked:
        /\bhow much (?:is|are|does|do|will|would|for)\b|\bwhat (?:does|do|will) .{1,60} cost\b|\b(?:price|cost|fee) (?:of|for)\b|\bwhat (?:do|does|will) (?:you|it|they) charge\b|\b(?:price|cost|fee)s?\s*\?/i,
      held: PRICE_HELD,
    },
    {
      term: CLOCK_TIME,
      asked:
        /\bwhat time\b|\bwhen (?:do|does|are|is) .{0,40}\b(?:open|close|closed)\b|\b(?:opening|office|business) hours\b/i,
      held: CLOCK_HELD,
    },
  ],
  de: [
    {
      term: DURATION,
      asked: /\bwie lange?\b|\bwie viele (?:tage|wochen|stunden)\b|\bwie schnell\b/i,
      held: DURATION_HELD,
    },
    {
      term: PRICE,
      asked: /\bwas kostet\b|\bwas kosten\b|\bwie teuer\b|\bwie viel kostet\b|\bpreis (?:für|von)\b|\bpreise?\s*\?/i,
      held: PRICE_HELD,
    },
    {
      term: CLOCK_TIME,
      asked:
        /\bum wie viel uhr\b|\bwann (?:habt|haben|hat|ist|sind|öffnet|öffnen|schließt|schließen)\b|öffnungszeiten/i,
      held: CLOCK_HELD,
    },
  ],
};

const shapesOf = (language: string): Shape[] => SHAPES[language.toLowerCase().split(/[-_]/)[0] ?? ""] ?? [];

/** The value kinds a (part of a) question asks for. */
export const askedShapes = (language: string, question: string): string[] =>
  shapesOf(language)
    .filter((s) => s.asked.test(question))
    .map((s) => s.term);

/** The value kinds a unit of a passage holds. */
export const heldShapes = (language: string, unit: string): string[] =>
  shapesOf(language)
    .filter((s) => s.held.test(unit))
    .map((s) => s.term);
