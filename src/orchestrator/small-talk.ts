import type { BrandProfile } from "./types";

// A message that is nothing but a greeting or thanks: answering it needs no knowledge, and escalating
// "hi" to a human would make every first contact a hand-off.
const GREETING =
  /^(hi|hello|hey|hallo|hola|bonjour|salut|ciao|moin|servus|good\s+(morning|afternoon|evening)|guten\s+(morgen|tag|abend)|buenos\s+dias|yo)\b[\s!.,]*(there|team|everyone|all)?[\s!.,:)]*$/i;
const THANKS =
  /^(thanks?|thank\s+you|thx|ty|danke|merci|gracias|grazie|cheers|great|perfect|ok(ay)?|super|got\s+it)\b[\s\w!.,:)]{0,25}$/i;

/** A canned reply in the brand's voice for a greeting or thanks, else null. */
export const smallTalkReply = (brand: BrandProfile, question: string): string | null => {
  const text = question.trim();
  if (text.length > 60) return null;
  const name = brand.persona.name || brand.name;
  if (GREETING.test(text))
    return name === brand.name
      ? `Hello! Welcome to ${brand.name}. How can I help you today?`
      : `Hello! I'm ${name}, ${brand.name}'s assistant. How can I help you today?`;
  if (THANKS.test(text) && !/\?/.test(text)) return "You're welcome! Is there anything else I can help you with?";
  return null;
};
