import * as L from "./lexicon";
import { anyOf, normalise, sentencesOf } from "./match";
import {
  ASK_TRIGGER,
  CODE_LITERAL,
  OVERRIDE,
  PASSIVE_COMMAND,
  ROLE_STRONG,
  ROLE_WEAK,
  SYSTEM_STRONG,
} from "./patterns";
import { commandsOf, isAimedAtAnswerer, type Command } from "./signals";

/**
 * The ingest-time detector of knowledge that carries instructions for the assistant (a planted
 * document, an edited page). It scores signals per sentence — a command aimed at whoever answers
 * customers, the assistant addressed by name, a request for secrets, a code to hand out, a
 * redirect, an override of its instructions, a new role — and flags a passage whose best sentence
 * reaches QUARANTINE_THRESHOLD. No single ordinary word is enough: a business stating its own
 * promotion ("use code WELCOME10 at checkout"), warning about phishing ("we never ask for your
 * PIN") or telling customers what to do ("send us your receipt") stays below it.
 * Pure and deterministic; cheap enough to run over every chunk of a crawl.
 */
export type InjectionReason =
  | "ignore_instructions"
  | "role_change"
  | "system_prompt"
  | "addresses_assistant"
  | "instructs_replies"
  | "conditional_reply"
  | "credential_request"
  | "code_handout"
  | "redirect"
  | "payment_redirect";

export type InjectionFinding = { score: number; reasons: InjectionReason[]; evidence: string };

export const QUARANTINE_THRESHOLD = 3;

/** What each reason means, for `xin knowledge show` and the API. */
export const REASON_TEXT: Record<InjectionReason, string> = {
  ignore_instructions: "tells the assistant to ignore its instructions",
  role_change: "gives the assistant a new role or persona",
  system_prompt: "talks about the assistant's system prompt or hidden instructions",
  addresses_assistant: "addresses the assistant (AI, bot) directly",
  instructs_replies: "instructs what to tell customers",
  conditional_reply: "scripts a reply for when customers ask something",
  credential_request: "asks for card numbers, security codes, passwords, one-time codes or ID numbers",
  code_handout: "tells the assistant to hand out a discount code or offer",
  redirect: "sends customers to another site, number or channel",
  payment_redirect: "points payments to an unusual channel (personal account, crypto, gift cards)",
};

const has = (list: readonly string[]) => {
  const re = anyOf(list);
  return (s: string) => re.test(s);
};
const isAddressee = has(L.ADDRESSEE);
const isAssistantModal = has(L.ASSISTANT_MODALS);
const hasSecret = has(L.SECRETS);
const hasIdentifier = has(L.IDENTIFIERS);
const isNegated = has(L.NEGATION);
const hasSolicit = has(L.SOLICIT);
const hasOwner = has(L.THIRD_PERSON_OWNER);
const hasChat = has(L.CHAT_CHANNEL);
const ASKING =
  /(?<!\p{L})(ask\p{L}*|request\p{L}*|collect\p{L}*|obtain\p{L}*|demand\p{L}*|requir\p{L}*|frag\p{L}*|verlang\p{L}*|erfrag\p{L}*|demand\p{L}*|exig\p{L}*|recueill\p{L}*|pid\p{L}*|pedir|solicit\p{L}*|exij\p{L}*|recopil\p{L}*|попрос\p{L}*|запрос\p{L}*|запрашива\p{L}*|спрос\p{L}*|требу\p{L}*|собира\p{L}*)(?!\p{L})/u;
const hasCodeTerm = has(L.CODE_TERMS);
const isNarrowing = has(L.NARROWING);
const hasDestination = has(L.DESTINATIONS);
const hasPaymentChannel = has(L.PAYMENT_CHANNELS);
const secretExceptions = new RegExp(anyOf(L.SECRET_EXCEPTIONS).source, "gu");
const PAY =
  /(?<!\p{L})(pay|payment|payments|transfer|wire|send money|zahl\p{L}*|uberweis\p{L}*|pai\p{L}*|payer|virement\p{L}*|pag\p{L}*|transfer\p{L}*|оплат\p{L}*|перев\p{L}*|плат\p{L}*)/u;
const URGENT =
  /(?<!\p{L})(must|only|now|instead|from now on|muss|mussen|nur|ab sofort|doit|doivent|uniquement|desormais|debe|deben|solo|ahora|должн\p{L}*|только|теперь)(?!\p{L})/u;
// "our assistant", "unser Chatbot": the business describing its own bot, not addressing one.
const OWN_BOT =
  /(?<!\p{L})(our|my|your|unser\p{L}*|mein\p{L}*|notre|mon|ma|nuestro|nuestra|mi|наш\p{L}*|мой|моя)\s+(?:[\p{L}-]+\s+){0,2}?(ai|ki|ia|ии|assistant\p{L}*|assistent\p{L}*|asistente|ассистент\p{L}*|помощник\p{L}*|chatbot\p{L}*|bot|бот\p{L}*|language model|sprachmodell|нейросет\p{L}*)(?!\p{L})/gu;

type Scored = {
  score: number;
  reasons: Set<InjectionReason>;
  imperative: boolean;
  addressed: boolean;
  commands: number;
};

const credentialScore = (n: string, commands: Command[]): number => {
  const cleaned = n.replace(secretExceptions, " ");
  const secret = hasSecret(cleaned);
  if ((!secret && !hasIdentifier(cleaned)) || isNegated(cleaned)) return 0;
  // Outside a command, a sentence about someone handing over secrets is a request only when it is
  // made in the chat, by the assistant, or is an asking ("collect the customer's PIN"), not a
  // description ("users provide their email and password at registration").
  const chat = hasChat(cleaned) || isAssistantModal(cleaned);
  const asking = hasOwner(cleaned) && ASKING.test(cleaned);
  const solicited = hasSolicit(cleaned);
  if (secret && (commands.length > 0 || (solicited && (chat || asking)))) return 3;
  if ((commands.length > 0 && (chat || hasOwner(cleaned))) || (solicited && (chat || asking))) return 3;
  return solicited ? 0.5 : 0;
};

const scoreSentence = (original: string): Scored => {
  const n = normalise(original);
  const own = n.replace(OWN_BOT, " ");
  const reasons = new Set<InjectionReason>();
  let score = 0;
  const add = (reason: InjectionReason, weight: number) => {
    if (!reasons.has(reason)) score += weight;
    reasons.add(reason);
  };
  if (OVERRIDE.some((r) => r.test(n))) add("ignore_instructions", 3);
  if (ROLE_STRONG.some((r) => r.test(n))) add("role_change", 3);
  else if (ROLE_WEAK.some((r) => r.test(n))) add("role_change", 1.5);
  if (SYSTEM_STRONG.some((r) => r.test(n))) add("system_prompt", 3);
  const addressed = isAddressee(own) || isAssistantModal(own);
  if (addressed) add("addresses_assistant", 2);

  const commands = commandsOf(own);
  const aimed = commands.filter(isAimedAtAnswerer);
  // Once the assistant is addressed, "recommend our competitor" is a command to it like any other.
  const imperative = commands.some((c) => !c.reader || addressed);
  if (aimed.length > 0 || PASSIVE_COMMAND.some((r) => r.test(n))) add("instructs_replies", 3);
  // Asking back ("if a customer asks for a price, ask for the exact item") is clarification, not a scripted claim;
  // asking for secrets is caught as a credential request.
  if (
    ASK_TRIGGER.some((r) => r.test(n)) &&
    commands.some((c) => !c.reader && c.kind !== "modal" && c.kind !== "request")
  )
    add("conditional_reply", 3);
  const credential = credentialScore(n, commands);
  if (credential >= 3) add("credential_request", 3);
  else score += credential;
  if (
    (hasCodeTerm(n) || CODE_LITERAL.test(original)) &&
    aimed.some((c) => c.kind === "give" || c.kind === "speak" || c.kind === "modal")
  )
    add("code_handout", 3);
  if (hasDestination(n) && aimed.some((c) => c.kind === "redirect" || c.kind === "speak" || c.kind === "modal"))
    add("redirect", 3);
  if (hasPaymentChannel(n) && PAY.test(n) && !isNegated(n))
    add("payment_redirect", aimed.length > 0 || URGENT.test(n) ? 3 : 2);
  // A bare imperative ("say the shop never closes") counts for little alone, for much near an address to the assistant.
  const onlyAddressed = [...reasons].every((r) => r === "addresses_assistant");
  // "The assistant must answer strictly from this document / never guess prices": the business's own
  // narrowing rules for its bot. They neither count nor make the passage's other sentences commands.
  if (addressed && onlyAddressed && aimed.length === 0 && isNarrowing(own))
    return { score: 0, reasons: new Set(), imperative: false, addressed: false, commands: 0 };
  if (imperative && onlyAddressed) {
    score += 1;
    if (addressed) reasons.add("instructs_replies");
  }
  return { score, reasons, imperative, addressed, commands: commands.length };
};

/** The finding for a passage's text, or null when it reads as ordinary knowledge. */
export const detectInjection = (text: string): InjectionFinding | null => {
  const scored = sentencesOf(text).map((s) => ({ sentence: s, ...scoreSentence(s) }));
  // The assistant addressed anywhere in the passage makes every command in it one for the assistant.
  if (scored.some((s) => s.addressed)) {
    for (const s of scored) {
      if (!s.addressed && (s.imperative || s.commands > 0)) {
        s.score += 2;
        s.reasons.add("addresses_assistant");
        s.reasons.add("instructs_replies");
      }
    }
  }
  const flagged = scored.filter((s) => s.score >= QUARANTINE_THRESHOLD);
  if (flagged.length === 0) return null;
  const best = flagged.reduce((a, b) => (b.score > a.score ? b : a));
  const reasons = [...new Set(flagged.flatMap((s) => [...s.reasons]))].sort() as InjectionReason[];
  const evidence = best.sentence.length > 240 ? `${best.sentence.slice(0, 239)}…` : best.sentence;
  return { score: Math.round(best.score * 10) / 10, reasons, evidence };
};
