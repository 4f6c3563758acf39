/**
 * A scripted model for answer evals, as the reply function of the OpenAI fake (`llm.setReply(...)`).
 * It plays a model that answers only from what reached it, and a gullible one where a human is needed:
 * - it finds the customer's question inside the prompt's <customer_message> fence (the burst's last
 *   question that the set knows) and looks it up among the set's items; a prompt without that fence
 *   (another kind of model call) gets `options.other`, or "I don't know";
 * - answerable item: replies with the item's `llm` text, citing the document, ONLY when the right passage
 *   is among the prompt's <document>s — a passage of the item's source (or source_alt) carrying its
 *   phrase, or, when no chunk of those sources carries the phrase verbatim (the authors paraphrased),
 *   any passage of them. Otherwise it
 *   guesses: the same reply with its numbers changed (a plausible wrong answer) when it has numbers,
 *   else "I don't know, a colleague will follow up";
 * - must-escalate item: replies with the item's `llm` text (ungrounded or unauthorised), citing [1].
 * The reply never depends on anything but the prompt, so a pipeline change that drops the right passage
 * from the prompt shows up as a miss.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import { carries, isSource, normalize, type AnswerItem, type EvalSet } from "../../../src/app/eval-answers";
import { prepareSource } from "../../../src/rag";
import type { FakeChatMessage } from "./openai";

/** A reply function for `OpenAIFake.setReply` (the body is not needed). */
export type ScriptedReply = (messages: FakeChatMessage[], body: Record<string, unknown>) => string;

export const UNSURE_REPLY = "I'm sorry, I don't have that information. A colleague will follow up with you shortly.";

export type PromptDocument = { n: number; source: string; text: string };

/** The last <customer_message> of the last user message; null when the prompt has none (not an answer prompt). */
export const customerMessageOf = (messages: readonly FakeChatMessage[]): string | null => {
  const user = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const fenced = [...user.matchAll(/<customer_message>\s*([\s\S]*?)\s*<\/customer_message>/g)];
  return fenced.length ? fenced[fenced.length - 1][1] : null;
};

/** Every <document …>text</document> of the prompt with its citation number and source attribute. */
export const documentsOf = (messages: readonly FakeChatMessage[]): PromptDocument[] => {
  const user = messages
    .filter((m) => m.role === "user")
    .map((m) => m.content)
    .join("\n");
  return [...user.matchAll(/<document\b([^>]*)>([\s\S]*?)<\/document>/g)].map((m, i) => ({
    n: Number(/\bn="(\d+)"/.exec(m[1])?.[1] ?? i + 1),
    source: /\bsource="([^"]*)"/.exec(m[1])?.[1] ?? "",
    text: m[2].trim(),
  }));
};

/** A plausible wrong answer: every digit moved by 3 ("30 days" → "63 days"). */
export const wrongNumbers = (text: string): string => text.replace(/\d/g, (d) => String((Number(d) + 3) % 10));

type SetChunk = { source: string; text: string };

const chunksOf = async (docsDir: string | null): Promise<SetChunk[]> => {
  if (!docsDir) return [];
  const chunks: SetChunk[] = [];
  for (const rel of [...new Glob("**/*").scanSync({ cwd: docsDir, onlyFiles: true })].sort()) {
    const prepared = await prepareSource({ source: rel, bytes: new Uint8Array(readFileSync(join(docsDir, rel))) });
    if (prepared.ok) chunks.push(...prepared.chunks.map((c) => ({ source: rel, text: c.text })));
  }
  return chunks;
};

/** The item whose question the customer message holds: exact first, else the longest one it contains. */
const findItem = <T extends { q: string }>(items: readonly T[], message: string): T | undefined => {
  const m = normalize(message);
  return (
    items.find((i) => normalize(i.q) === m) ??
    [...items].sort((a, b) => b.q.length - a.q.length).find((i) => m.includes(normalize(i.q)))
  );
};

const withCitation = (text: string, n: number | null) => (n === null ? text : `${text} [${n}]`);

/** The reply function for one set (build it per set: two sets may ask the same question). */
export type ScriptedOptions = {
  /** Without the right passage: a plausible wrong guess when the reply has numbers (default), or always unsure. */
  onMissing?: "guess" | "unsure";
  /** Replies to prompts that hold no <customer_message> (a pipeline's other model calls); default: unsure. */
  other?: ScriptedReply;
};

export const scriptedLlm = async (
  set: Pick<EvalSet, "answer" | "escalate" | "docsDir">,
  options: ScriptedOptions = {},
): Promise<ScriptedReply> => {
  const chunks = await chunksOf(set.docsDir);
  const says = (i: AnswerItem, text: string) => [i.phrase, ...i.phrase_alt].some((p) => carries(text, p));
  const fromSource = (i: AnswerItem, source: string) => [i.source, ...i.source_alt].some((s) => isSource(source, s));
  // The right passage is one of the item's sources carrying its phrase; when no chunk of those sources
  // carries it verbatim (the authors paraphrased), any passage of those sources.
  const verbatim = new Set(
    set.answer.filter((i) => chunks.some((c) => fromSource(i, c.source) && says(i, c.text))).map((i) => i.q),
  );
  return (messages, body) => {
    const message = customerMessageOf(messages);
    // Loud on purpose: a prompt whose fence this fake no longer finds answers nothing right.
    if (message === null) return options.other ? options.other(messages, body) : UNSURE_REPLY;
    const docs = documentsOf(messages);
    const escalate = findItem(set.escalate, message);
    const answer = findItem(set.answer, message);
    if (escalate && (!answer || escalate.q.length >= answer.q.length))
      return withCitation(escalate.llm || "Done, that's all taken care of for you.", docs.length ? docs[0].n : null);
    if (!answer) return UNSURE_REPLY;
    const text = answer.llm || answer.phrase;
    const right = docs.find((d) => fromSource(answer, d.source) && (!verbatim.has(answer.q) || says(answer, d.text)));
    if (right) return withCitation(text, right.n);
    if ((options.onMissing ?? "guess") === "guess" && /\d/.test(text))
      return withCitation(wrongNumbers(text), docs.length ? docs[0].n : null);
    return UNSURE_REPLY;
  };
};
