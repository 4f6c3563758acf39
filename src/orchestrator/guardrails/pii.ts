import { fail, pass, type Guardrail } from "./types";

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// 8+ digits with optional separators: phone numbers (short numbers like order ids stay allowed).
const PHONE = /\+?\d(?:[\s().-]?\d){7,14}/g;
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
const IBAN = /\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b/g;

const digits = (s: string) => s.replace(/\D/g, "");
const luhn = (num: string): boolean => {
  let sum = 0;
  for (let i = 0; i < num.length; i++) {
    let d = Number(num[num.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
};

/** Personal data found in `text`, by kind, with the matched values (normalised). */
export const findPii = (text: string): { kind: string; value: string }[] => {
  const out: { kind: string; value: string }[] = [];
  for (const m of text.match(EMAIL) ?? []) out.push({ kind: "email", value: m.toLowerCase() });
  for (const m of text.match(CARD) ?? []) if (luhn(digits(m))) out.push({ kind: "card", value: digits(m) });
  for (const m of text.match(IBAN) ?? []) out.push({ kind: "iban", value: m.replace(/\s/g, "") });
  // Phone numbers are looked for in what is left, so a card or IBAN is not reported twice.
  const rest = text.replace(CARD, (m) => (luhn(digits(m)) ? " " : m)).replace(IBAN, " ");
  for (const m of rest.match(PHONE) ?? []) out.push({ kind: "phone", value: digits(m) });
  return out;
};

/**
 * The draft contains personal data — an e-mail address, phone number, card number (Luhn-checked) or
 * IBAN — that is not in the brand's own retrieved knowledge (the shop's published support address is
 * fine; a customer's address leaking from another conversation or invented by the model is not).
 */
export const piiInAnswer: Guardrail = {
  code: "pii_in_answer",
  description: "personal data in the answer that the brand's knowledge does not publish",
  stages: ["output"],
  streamable: true,
  evaluate: ({ draft, passages }) => {
    if (!draft) return pass;
    const published = new Set(passages.flatMap((p) => findPii(p.text).map((f) => f.value)));
    const leaked = findPii(draft).filter((f) => !published.has(f.value));
    return leaked.length ? fail(`${[...new Set(leaked.map((l) => l.kind))].join(", ")} in the answer`) : pass;
  },
};
