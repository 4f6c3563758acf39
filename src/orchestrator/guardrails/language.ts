import { brandLanguages } from "../policies";
import { fail, pass, stringList, type Guardrail } from "./types";

// The most frequent function words of each language: enough to tell them apart in a sentence or two.
const MARKERS: Record<string, string[]> = {
  en: [
    "the",
    "and",
    "is",
    "are",
    "you",
    "your",
    "what",
    "how",
    "do",
    "does",
    "can",
    "with",
    "for",
    "have",
    "my",
    "this",
    "when",
    "where",
    "of",
    "to",
  ],
  de: [
    "der",
    "die",
    "das",
    "und",
    "ist",
    "sind",
    "ich",
    "sie",
    "nicht",
    "mit",
    "wie",
    "was",
    "ein",
    "eine",
    "habe",
    "kann",
    "mein",
    "meine",
    "auf",
    "für",
    "wann",
    "wo",
  ],
  fr: [
    "le",
    "la",
    "les",
    "et",
    "est",
    "je",
    "vous",
    "pas",
    "avec",
    "pour",
    "une",
    "des",
    "mon",
    "ma",
    "quand",
    "comment",
    "que",
    "qui",
    "dans",
    "sur",
  ],
  es: [
    "el",
    "la",
    "los",
    "las",
    "y",
    "es",
    "que",
    "yo",
    "usted",
    "con",
    "para",
    "una",
    "mi",
    "cuando",
    "como",
    "donde",
    "del",
    "por",
    "no",
    "tienen",
  ],
  it: [
    "il",
    "lo",
    "la",
    "gli",
    "e",
    "è",
    "che",
    "io",
    "non",
    "con",
    "per",
    "una",
    "mio",
    "mia",
    "quando",
    "come",
    "dove",
    "del",
    "sono",
    "avete",
  ],
  nl: [
    "de",
    "het",
    "een",
    "en",
    "is",
    "ik",
    "niet",
    "met",
    "voor",
    "wat",
    "hoe",
    "mijn",
    "wanneer",
    "waar",
    "van",
    "jullie",
    "zijn",
    "kan",
  ],
  pt: [
    "o",
    "os",
    "as",
    "e",
    "é",
    "que",
    "eu",
    "não",
    "com",
    "para",
    "uma",
    "meu",
    "minha",
    "quando",
    "como",
    "onde",
    "do",
    "da",
    "vocês",
  ],
};

// Letters only some of the languages use: each seen counts as one more marker word.
const LETTERS: Record<string, RegExp> = {
  de: /[äöüß]/,
  fr: /[çèêëœîï]|\b(l|d|j|qu)'/,
  es: /[ñ¿¡]/,
  pt: /[ãõ]/,
  it: /\b(perché|però|più)\b/,
};

// Each marker word with the languages it marks: one lookup per word of the text.
const MARKED = new Map<string, string[]>();
for (const [lang, words] of Object.entries(MARKERS))
  for (const w of words) MARKED.set(w, [...(MARKED.get(w) ?? []), lang]);

/**
 * The language of `text` (a key of MARKERS) when the evidence is clear: at least three marker words
 * and twice as many as the runner-up (a letter only some languages use counts as one more). Short or
 * mixed text gives null: better to say nothing than guess. Several checks of one answer ask about the
 * same draft: the last few results are kept.
 */
const recent = new Map<string, string | null>();
export const detectLanguage = (text: string): string | null => {
  const hit = recent.get(text);
  if (hit !== undefined) return hit;
  const lang = detect(text);
  if (recent.size >= 16) recent.delete(recent.keys().next().value!);
  recent.set(text, lang);
  return lang;
};

// The first few hundred characters carry the evidence; a long passage costs no more than a paragraph.
const SAMPLE = 400;
const detect = (text: string): string | null => {
  const lower = text.slice(0, SAMPLE).toLowerCase();
  const counts = new Map<string, number>(Object.keys(MARKERS).map((l) => [l, LETTERS[l]?.test(lower) ? 1 : 0]));
  // Marker words are Latin-script: splitting on anything else is enough, and cheaper than \p{L}.
  for (const w of lower.split(/[^a-zßà-ÿœ]+/)) {
    const langs = w.length < 8 ? MARKED.get(w) : undefined;
    if (langs) for (const lang of langs) counts.set(lang, counts.get(lang)! + 1);
  }
  const scores = [...counts].map(([lang, n]) => ({ lang, n })).sort((a, b) => b.n - a.n);
  const [best, next] = scores;
  return best.n >= 3 && best.n >= 2 * (next?.n ?? 0) ? best.lang : null;
};

/**
 * The customer writes in a language the brand does not answer in: not the persona's `language`, not
 * one of `policies.languages`, not one of the options' `accept`. Passes when the customer's language is
 * not clear. A declared language other than the documents' is answered (the LLM answers in the
 * customer's language from the documents; without an LLM, `needs_translation` hands over).
 */
export const languageMismatch: Guardrail = {
  code: "language_mismatch",
  description: "the customer writes in a language the brand does not answer in",
  stages: ["input"],
  evaluate: ({ question, brand, options }) => {
    const seen = detectLanguage(question);
    const accepted = [
      ...brandLanguages(brand.persona, brand.policies),
      ...stringList(options.accept).map((l) => l.toLowerCase()),
    ];
    if (!seen || !accepted.some((l) => l in MARKERS)) return pass;
    return accepted.includes(seen) ? pass : fail(`customer wrote ${seen}, brand answers in ${accepted.join(", ")}`);
  },
};
