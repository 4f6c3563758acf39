import { fail, pass, type Guardrail } from "./types";

// The most frequent function words of each language: enough to tell them apart in a sentence or two.
const MARKERS: Record<string, string[]> = {
  en: ["the", "and", "is", "are", "you", "your", "what", "how", "do", "does", "can", "with", "for", "have", "my", "this", "when", "where", "of", "to"],
  de: ["der", "die", "das", "und", "ist", "sind", "ich", "sie", "nicht", "mit", "wie", "was", "ein", "eine", "habe", "kann", "mein", "meine", "auf", "für", "wann", "wo"],
  fr: ["le", "la", "les", "et", "est", "je", "vous", "pas", "avec", "pour", "une", "des", "mon", "ma", "quand", "comment", "que", "qui", "dans", "sur"],
  es: ["el", "la", "los", "las", "y", "es", "que", "yo", "usted", "con", "para", "una", "mi", "cuando", "como", "donde", "del", "por", "no", "tienen"],
  it: ["il", "lo", "la", "gli", "e", "è", "che", "io", "non", "con", "per", "una", "mio", "mia", "quando", "come", "dove", "del", "sono", "avete"],
  nl: ["de", "het", "een", "en", "is", "ik", "niet", "met", "voor", "wat", "hoe", "mijn", "wanneer", "waar", "van", "jullie", "zijn", "kan"],
  pt: ["o", "os", "as", "e", "é", "que", "eu", "não", "com", "para", "uma", "meu", "minha", "quando", "como", "onde", "do", "da", "vocês"],
};

/**
 * The language of `text` (a key of MARKERS) when the evidence is clear: at least three marker words
 * and twice as many as the runner-up. Short or mixed text gives null: better to say nothing than guess.
 */
export const detectLanguage = (text: string): string | null => {
  const words = text.toLowerCase().match(/[\p{L}]+/gu) ?? [];
  const scores = Object.entries(MARKERS)
    .map(([lang, markers]) => ({ lang, n: words.filter((w) => markers.includes(w)).length }))
    .sort((a, b) => b.n - a.n);
  const [best, next] = scores;
  return best.n >= 3 && best.n >= 2 * (next?.n ?? 0) ? best.lang : null;
};

/**
 * The customer writes in a language other than the brand's (persona `language`): the knowledge and
 * voice are written for one language, so a human answers. Passes when either language is unknown.
 * Options: `accept` — further language codes the brand answers in.
 */
export const languageMismatch: Guardrail = {
  code: "language_mismatch",
  description: "the customer writes in a language the brand does not answer in",
  stages: ["input"],
  evaluate: ({ question, brand, options }) => {
    const wanted = brand.persona.language.toLowerCase().split(/[-_]/)[0] ?? "";
    const seen = detectLanguage(question);
    if (!seen || !(wanted in MARKERS)) return pass;
    const accepted = new Set([wanted, ...(Array.isArray(options.accept) ? options.accept.map(String) : [])]);
    return accepted.has(seen) ? pass : fail(`customer wrote ${seen}, brand answers in ${wanted}`);
  },
};
