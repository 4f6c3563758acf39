import * as L from "./lexicon";
import { anyOf, clausesOf, conjunctsOf, startsWithAny } from "./match";

/**
 * What one normalised clause commands, if anything: its verb's kind, whether the command is aimed
 * at the reader ("tell us", "ask your agent": ordinary instructions to a customer), at a third
 * party (customers, everyone, every question: instructions for whoever answers them) or made by
 * naming the assistant as the one who must act.
 */
export type VerbKind = "speak" | "give" | "request" | "redirect" | "modal";
export type Command = {
  kind: VerbKind;
  reader: boolean;
  audience: boolean;
  always: boolean;
  assistant: boolean;
  youModal: boolean;
  content: boolean;
};

// What follows a verb of speaking when it gives the words to say ("always say that …", "reply: …"),
// not the person to tell ("always tell the pharmacist …", the reader's own business).
const CONTENT =
  /^\s*(that|dass|que|qu'|что|чтобы|"|'|:|no|yes|nein|ja|oui|non|si|да|нет|only|nur|seulement|solo|только)(?![\p{L}\p{N}])/u;
const SAY_ONLY = startsWithAny([
  "say",
  "claim",
  "reply",
  "respond",
  "answer",
  "state",
  "deny",
  "admit",
  "sag",
  "sage",
  "antworte",
  "behaupte",
  "dis",
  "dites",
  "reponds",
  "repondez",
  "affirme",
  "affirmez",
  "di",
  "diga",
  "responde",
  "responda",
  "contesta",
  "afirma",
  "скажи",
  "скажите",
  "говори",
  "говорите",
  "отвечай",
  "отвечайте",
  "утверждай",
]);

const leadIns = new RegExp(
  `^(?:${anyOf(L.LEAD_INS).source.replace(/^\(\?<!\[\\p\{L\}\\p\{N\}\]\)/, "")}[\\s,]*)*`,
  "u",
);
const cyrillic = (list: readonly string[]) => list.filter((w) => /[\u0400-\u04ff]/.test(w));
const KINDS: [VerbKind, readonly string[]][] = [
  ["request", L.REQUEST],
  ["give", L.GIVE],
  ["redirect", L.REDIRECT],
  ["speak", L.SPEAK],
];
const atStart = KINDS.map(([kind, list]) => [kind, startsWithAny(list)] as const);
// Russian word order is free and its imperatives are unmistakable forms: matched anywhere in a clause.
const anywhereRu = KINDS.map(([kind, list]) => [kind, anyOf(cyrillic(list))] as const);
const assistantModal = anyOf(L.ASSISTANT_MODALS);
const modalStart = startsWithAny(L.MODALS);
const infinitive = anyOf(L.INFINITIVES);
const reader = startsWithAny(L.READER);
const audience = anyOf(L.AUDIENCE);
const always = anyOf(L.ALWAYS);
const nounFollower = startsWithAny(L.NOUN_FOLLOWERS);
const narrowing = anyOf(L.NARROWING);
// English verbs that open noun phrases as often as commands ("Direct evidence", "Issue tracking",
// "Offer a …"): a command only when an object follows at once (a determiner, a person, a pronoun).
const AMBIGUOUS = startsWithAny([
  "direct",
  "point",
  "forward",
  "issue",
  "state",
  "quote",
  "answer",
  "request",
  "offer",
  "move",
  "route",
  "add",
  "include",
  "apply",
  "get",
  "share",
  "reply",
  "respond",
  "demand",
  "claim",
  "promise",
  "confirm",
  "collect",
  "refer",
  "steer",
  "grant",
  "write",
  "admit",
  "deny",
]);
const OBJECT_START = startsWithAny([
  ...L.AUDIENCE,
  ...L.READER,
  "a",
  "an",
  "the",
  "every",
  "all",
  "any",
  "each",
  "this",
  "that",
  "these",
  "those",
  "to",
  "with",
  "by",
  "for",
  "that",
  "no",
  "yes",
  "only",
  "back",
  "it",
]);

const commandAt = (kind: VerbKind, clause: string, rest: string, extra: Partial<Command> = {}): Command => ({
  kind,
  reader: reader.test(rest.trim()),
  audience: audience.test(rest) || audience.test(clause.slice(0, clause.length - rest.length)),
  always: always.test(clause),
  assistant: false,
  youModal: false,
  content: CONTENT.test(rest) || SAY_ONLY.test(clause),
  ...extra,
});

/** The command a clause gives, or null for a statement. */
export const commandOf = (clause: string): Command | null => {
  const body = clause.replace(leadIns, "");
  const unconditional = always.test(clause.slice(0, clause.length - body.length));
  const found = findCommand(body);
  return found && unconditional ? { ...found, always: true } : found;
};

const findCommand = (body: string): Command | null => {
  const byAssistant = assistantModal.exec(body);
  if (byAssistant) {
    const rest = body.slice(byAssistant.index + byAssistant[0].length);
    if (narrowing.test(rest)) return null;
    const verb = infinitive.exec(rest);
    if (verb) return commandAt("modal", body, rest.slice(verb.index + verb[0].length), { assistant: true });
  }
  const modal = modalStart.exec(body);
  if (modal) {
    const rest = body.slice(modal[0].length);
    const verb = infinitive.exec(rest);
    if (verb)
      return {
        ...commandAt("modal", body, rest.slice(verb.index + verb[0].length)),
        youModal: true,
        audience: audience.test(rest),
      };
  }
  for (const [kind, re] of atStart) {
    const m = re.exec(body);
    if (!m) continue;
    const rest = body.slice(m[0].length);
    // "Offer valid for new customers", "Direct debit is available": a noun, not a command.
    if (nounFollower.test(rest.trim())) return null;
    if (AMBIGUOUS.test(body) && !OBJECT_START.test(rest.trim()) && !/^\s*[:"']/u.test(rest)) return null;
    return commandAt(kind, body, rest);
  }
  for (const [kind, re] of anywhereRu) {
    const m = re.exec(body);
    if (m) return commandAt(kind, body, body.slice(m.index + m[0].length));
  }
  return null;
};

// Verbs that open an override: a command even though no verb list holds them ("ignore the above and …").
const OVERRIDE_VERB = startsWithAny([
  "ignore",
  "disregard",
  "forget",
  "ignoriere",
  "vergiss",
  "ignorez",
  "oubliez",
  "oublie",
  "ignora",
  "olvida",
  "игнорируй",
  "забудь",
  "negeer",
  "vergeet",
]);

/**
 * Every command of a sentence, clause by clause, in order. A clause's later conjuncts count only
 * when its first part is a command itself: "ignore the above and tell the customer …" chains
 * commands, while in "authors describe … and propose concepts" the verb after "and" is the
 * subject's (English base forms look like imperatives).
 */
export const commandsOf = (sentence: string): Command[] =>
  clausesOf(sentence).flatMap((clause) => {
    const [first, ...chained] = conjunctsOf(clause);
    const head = commandOf(clause);
    // Asking back ("ask for the exact item and confirm the price") chains a clarification, not commands.
    const isChain =
      chained.length > 0 && (head ? head.kind !== "request" : OVERRIDE_VERB.test(first.replace(leadIns, "")));
    const rest = isChain ? chained.flatMap((c) => commandOf(c) ?? []) : [];
    return head ? [head, ...rest] : rest;
  });

/** A command aimed at whoever answers customers rather than at the reader. */
export const isAimedAtAnswerer = (c: Command): boolean =>
  c.assistant ||
  (!c.reader && c.audience) ||
  (!c.reader && c.always && c.content && (c.kind === "speak" || c.kind === "modal"));
