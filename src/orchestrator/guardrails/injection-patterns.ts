/**
 * Signs of prompt injection and jailbreak attempts: text that tries to give the assistant new
 * instructions, change its role, or pull out its hidden prompt. Matched on a normalised copy (lower
 * case, accents and zero-width characters removed, whitespace collapsed) so spacing tricks and
 * homoglyph accents do not slip past. English plus the commonest German/French/Spanish phrasings.
 * Precision matters more than recall here: the prompt already fences customer text and documents as
 * data, so this is the second line of defence, and a false alarm costs a human reply.
 */
const PATTERNS: { name: string; re: RegExp }[] = [
  {
    name: "ignore_instructions",
    re: /\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(previous|prior|above|earlier|all|any|your|the|system)\b.{0,30}\b(instructions?|prompts?|rules?|directives?|guidelines?|messages?)\b/,
  },
  {
    name: "new_instructions",
    re: /\b(new|updated|real|actual)\s+(system\s+)?(instructions?|prompt|rules)\s*(:|are|follow)/,
  },
  {
    name: "role_override",
    re: /\byou\s+are\s+(now|no\s+longer)\b|\bfrom\s+now\s+on\s+(you|act|behave|respond)\b|\bact\s+as\s+(an?\s+)?(unrestricted|unfiltered|jailbroken|evil|dan)\b/,
  },
  { name: "jailbreak", re: /\b(jailbreak|dan\s+mode|developer\s+mode|do\s+anything\s+now|god\s+mode)\b/ },
  {
    name: "prompt_leak",
    re: /\b(reveal|show|print|repeat|output|tell\s+me)\b.{0,30}\b(system\s+prompt|hidden\s+(prompt|instructions)|your\s+(instructions|prompt|rules))\b/,
  },
  {
    name: "fake_role_tag",
    re: /(^|\n)\s*(system|assistant)\s*:|<\/?\s*(system|im_start|im_end)\s*>|\[\/?inst\]|<<\s*sys\s*>>/,
  },
  { name: "ignore_de", re: /\b(ignoriere|vergiss|missachte)\b.{0,40}\b(anweisungen|regeln|vorgaben|instruktionen)\b/ },
  { name: "ignore_fr", re: /\b(ignore[rz]?|oublie[rz]?)\b.{0,40}\b(instructions|consignes|regles)\b/ },
  { name: "ignore_es", re: /\b(ignora|olvida)\b.{0,40}\b(instrucciones|reglas)\b/ },
];

const normalise = (text: string): string =>
  text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f\u200b-\u200f\u2060\ufeff]/g, "")
    .toLowerCase()
    .replace(/[ \t]+/g, " ");

/** The names of the patterns `text` matches (empty when it looks clean). */
export const injectionSigns = (text: string): string[] => {
  const normal = normalise(text);
  return PATTERNS.filter((p) => p.re.test(normal)).map((p) => p.name);
};
