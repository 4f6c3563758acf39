// Example custom guardrail: the draft answer names a competitor. Copy this file into the folder named
// by `answer.guardrails_dir`. Per brand, list the competitors in the brand's policies:
//   { "guardrails": { "competitor_mention": { "names": ["Acme Knits", "WoolWorld"] } } }
// The types are written out here so the file stands alone (xin loads it from your folder).

type Input = { stage: "input" | "output"; draft: string | null; options: Record<string, unknown> };
type Verdict = { passed: boolean; detail?: string };

export default {
  code: "competitor_mention",
  description: "the answer names a competitor",
  stages: ["output"],
  // A name in the first sentences is a name in the whole answer: it can judge a draft as it is written.
  streamable: true,
  evaluate(input: Input): Verdict {
    const names = Array.isArray(input.options.names) ? input.options.names.filter((n): n is string => typeof n === "string") : [];
    const draft = (input.draft ?? "").toLowerCase();
    const named = names.find((n) => draft.includes(n.toLowerCase()));
    return named ? { passed: false, detail: `names ${named}` } : { passed: true };
  },
};
