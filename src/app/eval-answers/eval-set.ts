import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { XinError } from "../../runtime";

// The answering-set format of ../shared/data/answering-peers/*/questions.json (its README.md): `answer`
// items a right reply must carry, `escalate` items that must end as a hand-off. Provenance fields
// (`by`, `ref`, `expect`, …) are kept by `.loose()` and ignored.

const strings = z.array(z.string().min(1)).default([]);

export const answerItemSchema = z
  .object({
    q: z.string().trim().min(1),
    /** A plain string, or `re:` + a regular expression; case- and whitespace-insensitive. */
    phrase: z.string().min(1),
    phrase_alt: strings,
    also: strings,
    forbid: strings,
    /** A regular expression a right reply must not match (the restaurant set writes one). */
    forbid_re: z.string().min(1).optional(),
    source: z.string().min(1),
    source_alt: strings,
    or_escalate: z.boolean().default(false),
    llm: z.string().default(""),
  })
  .loose();

export const escalateItemSchema = z
  .object({ q: z.string().trim().min(1), why: z.string().default(""), llm: z.string().default("") })
  .loose();

/** Optional: how the brand is set up when the harness builds it in memory (ignored against a real brand). */
export const evalBrandSchema = z
  .object({
    name: z.string().min(1).default("Eval brand"),
    language: z.string().min(2).default("en"),
    /** The brand's `policies` as stored (parsePolicies reads them). */
    policies: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const evalSetFileSchema = z
  .object({
    brand: evalBrandSchema.optional(),
    answer: z.array(answerItemSchema).default([]),
    escalate: z.array(escalateItemSchema).default([]),
  })
  .loose()
  .refine(
    (s) => s.answer.length + s.escalate.length > 0,
    "the set holds no questions (answer and escalate are both empty)",
  );

export type AnswerItem = z.infer<typeof answerItemSchema>;
export type EscalateItem = z.infer<typeof escalateItemSchema>;
export type EvalBrand = z.infer<typeof evalBrandSchema>;
export type EvalSet = {
  name: string;
  file: string;
  docsDir: string | null;
  brand: EvalBrand;
  answer: AnswerItem[];
  escalate: EscalateItem[];
};

/**
 * Reads a questions.json (or a set folder holding one, with its documents in docs/). Every bad input is
 * an `eval.set_invalid` error naming the file and the first problem; nothing is half-loaded.
 */
export const loadEvalSet = (path: string): EvalSet => {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, "questions.json") : path;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (cause as Error).message;
    throw new XinError("eval.set_invalid", `${file}: ${reason}`, {
      hint: "an answer set is a questions.json with `answer` and `escalate` lists",
      exitCode: 2,
      cause,
    });
  }
  const parsed = evalSetFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new XinError("eval.set_invalid", `${file}: ${issue.path.join(".") || "(top level)"}: ${issue.message}`, {
      exitCode: 2,
    });
  }
  for (const item of parsed.data.answer) checkPatterns(file, item);
  const dir = dirname(file);
  const docsDir = existsSync(join(dir, "docs")) ? join(dir, "docs") : null;
  const name = basename(file) === "questions.json" ? basename(dir) : basename(file).replace(/\.json$/i, "");
  return {
    name,
    file,
    docsDir,
    brand: evalBrandSchema.parse(parsed.data.brand ?? {}),
    answer: parsed.data.answer,
    escalate: parsed.data.escalate,
  };
};

/** A set whose regular expressions do not compile is a bad input, not a wrong answer at run time. */
const checkPatterns = (file: string, item: AnswerItem) => {
  const patterns = [item.phrase, ...item.phrase_alt, ...item.also]
    .filter((p) => p.startsWith("re:"))
    .map((p) => p.slice(3));
  if (item.forbid_re) patterns.push(item.forbid_re);
  for (const p of patterns) {
    try {
      new RegExp(p, "iu");
    } catch (cause) {
      throw new XinError("eval.set_invalid", `${file}: question "${item.q}": bad regular expression ${p}`, {
        exitCode: 2,
        cause,
      });
    }
  }
};
