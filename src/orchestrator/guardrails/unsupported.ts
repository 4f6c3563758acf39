import { analyzerOf, termsOf } from "../confidence";
import {
  crossLanguage,
  limitsToNamed,
  missedInExcerpt,
  negates,
  sentencesOf,
  unknownToPassages,
  unsupportedFacts,
  unsupportedTopics,
} from "../grounding/support";
import { fail, numberIn, pass, type Guardrail } from "./types";

/**
 * The draft is not supported by the passages retrieved for this turn, in three ways, first match wins:
 * - a fact in it — number, price, percentage, time, date, code, link, e-mail, phone, proper name — is
 *   in none of the passages (nor the brand's name): models invent exactly these;
 * - (knowledge mode) the question names something no passage knows of (a proper name or a code), or the draft talks about something the customer asked about that no passage mentions ("free
 *   parking" when no document says "parking"); in knowledge mode, the excerpt does not carry a name,
 *   code or number of the question (the 20-foot line for a question about the 40-foot container) —
 *   but a name, not a code or number, is answered by an excerpt that limits what was asked to a named
 *   scope ("we deliver within Abuja only" for Lagos);
 *   skipped when draft and passages differ in language;
 * - too little of what it says is found in the passages (`confidence.grounding`, the share of its
 *   content words; option `min_grounding`, default 0.5).
 * Knowledge-mode drafts are cut from a passage, so their own facts and terms are the passage's by
 * construction: there the question-side checks are the ones that can fail. Options: `check_facts: false`, `check_topics: false` switch those off.
 */
export const unsupportedAnswer: Guardrail = {
  code: "unsupported_answer",
  description: "the answer is not supported by the retrieved knowledge",
  stages: ["output"],
  streamable: true,
  evaluate: ({ draft, confidence, passages, question, brand, mode, options }) => {
    if (!draft || !confidence) return pass;
    if (passages.length === 0) return fail("no knowledge was retrieved for this question");
    // A knowledge-mode draft is passage text: its facts and terms are the passage's by construction, so
    // only the question-side checks below can tell it does not answer.
    const llm = mode === "llm";
    if (llm && options.check_facts !== false) {
      const facts = unsupportedFacts(draft, {
        question,
        passages,
        brandNames: [brand.name, brand.persona.name],
        language: brand.persona.language,
      });
      if (facts.length)
        return fail(`not in the passages: ${[...new Set(facts.map((f) => f.raw.trim()))].slice(0, 5).join(", ")}`);
    }
    if (options.check_topics !== false && !crossLanguage(draft, passages)) {
      const analyzer = analyzerOf(brand.persona.language);
      // The asked-about-topic check needs stemming and stop words to tell a subject from its verb
      // ("kostet", "geöffnet"): English only for now; other languages rely on the fact check.
      const stems = analyzer.language === "en";
      // A draft that declines what the passages never mention ("we can't deliver to Ikeja") addresses it.
      const declines = sentencesOf(draft).filter(negates).join(" ").toLowerCase();
      // Knowledge mode only: an LLM draft that takes up such a name is caught by its own facts.
      // A knowledge-mode excerpt that limits the brand to a named scope ("we deliver within Abuja only")
      // answers a question naming another place by that limit; codes and numbers still have to be found.
      // The limit must be about what was asked (a word of the question: "deliver"), not any "only" of the excerpt.
      let askedTerms: Set<string> | null = null;
      const aboutAsked = (s: string) =>
        [...termsOf(analyzer, s)].some((t) => (askedTerms ??= termsOf(analyzer, question)).has(t));
      const limited = mode === "knowledge" && sentencesOf(draft).some((s) => limitsToNamed(s) && aboutAsked(s));
      const named = (raws: string[]) => (limited ? raws.filter((r) => /\d/.test(r) || r === r.toUpperCase()) : raws);
      const unknown =
        mode === "knowledge"
          ? named(
              unknownToPassages(question, passages, [brand.name, brand.persona.name]).filter(
                (n) => !declines.includes(n.toLowerCase()),
              ),
            )
          : [];
      const excerpt =
        mode === "knowledge"
          ? named(
              missedInExcerpt(question, `${passages[0].title}\n${passages[0].heading}\n${draft}`, [
                brand.name,
                brand.persona.name,
              ]),
            )
          : [];
      const topics = [
        ...unknown,
        ...excerpt,
        ...(stems && llm ? unsupportedTopics(analyzer, draft, question, passages) : []),
      ];
      if (topics.length) return fail(`the passages never mention ${[...new Set(topics)].slice(0, 5).join(", ")}`);
    }
    const min = numberIn(options.min_grounding, 0, 1, 0.5);
    return confidence.grounding < min ? fail(`grounding ${confidence.grounding.toFixed(2)} < ${min}`) : pass;
  },
};
