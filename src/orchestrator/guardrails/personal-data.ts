import { normaliseAsked } from "../grounding/requests";
import { fail, pass, stringList, type Guardrail } from "./types";

const DATA =
  "appointment|booking|reservation|order|orders|refund|return|exchange|claim|subscription|membership|case|request|visa|application|account|address|phone|number|e-?mail|details|status|password|payment|passport|results?|data|information|info|delivery|package|parcel|shipment|records?|file|invoice|balance|bill|tickets?|flight|room|table|prescription|diagnosis|history";
const OTHERS =
  "husband|wife|son|daughter|mother|father|mom|mum|dad|partner|friend|boss|colleague|neighbou?r|brother|sister|girlfriend|boyfriend|child|kid|parent|grandmother|grandfather|aunt|uncle|cousin|fiance|fiancee|employee|client|tenant|roommate|flatmate";

// Another person's data: "my husband's appointment", "John Smith's visa", "the customer before me".
const SOMEONE_ELSE = [
  new RegExp(`\\b(my|our|his|her|their)\\s+(${OTHERS})('s|s')?\\s+(${DATA})\\b`),
  new RegExp(`\\b(${DATA})\\s+(of|for)\\s+(my|our)\\s+(${OTHERS})\\b`),
  /\b(another|other|previous|last|next)\s+(customer|client|guest|patient|person|user)s?('s|s')?\b/,
  /\b(customer|client|guest|patient|person)\s+(before|after|ahead\s+of)\s+me\b/,
  /\bsomeone\s+else('s)?\b/,
  /\b(what|when|where)\s+did\s+(he|she|they)\s+(order|book|buy|pay)\b/,
];
// German, French, Spanish: a relative's or neighbour's order, booking or status.
const SOMEONE_ELSE_OTHER = [
  /\b(mein|meine|meiner|meinem|meinen|unser|unsere)\s+(nachbar\w*|mann|frau|ehemann|ehefrau|sohn|tochter|mutter|vater|freund\w*|kolleg\w*|chef\w*|partner\w*|schwester|bruder|eltern)\b.{0,50}\b(bestellung|termin|buchung|reservierung|visum|antrag|konto|adresse|daten|abgeholt|bestellt|bezahlt|gebucht|fertig|abholung)\b/,
  /\b(mon|ma|mes)\s+(mari|femme|voisin\w*|fils|fille|mere|pere|ami\w*|collegue)\b.{0,50}\b(commande|rendez-vous|reservation|visa|dossier|compte|adresse)\b/,
  /\b(mi|mis)\s+(marido|esposa|mujer|vecin\w*|hijo|hija|madre|padre|amig\w*|colega)\b.{0,50}\b(pedido|cita|reserva|visado|visa|cuenta|direccion)\b/,
];
// A person named with a title ("Frau Schulz", "Mrs Patel") whose order or status is asked about.
const TITLED =
  /\b(Frau|Herrn?|Mr|Mrs|Ms|Miss|Madame|Monsieur|Senora?|Dr)\.?\s+\p{Lu}\p{Ll}+\b.{0,50}\b(order|booking|appointment|visa|application|ready|collected|picked\s+up|paid|bestellung|termin|abgeholt|bestellt|bezahlt|fertig|commande|pedido|torte|cake)\b/u;
// A person's name with a possessive before a word for their personal data; checked on the original casing.
const PERSONAL =
  "appointment|booking|reservation|visa|application|account|address|phone|number|e-?mail|details|password|passport|results?|prescription|diagnosis|tickets?|flight|room|table|balance|payment|order";
const NAMED = new RegExp(`\\b(\\p{Lu}\\p{Ll}+(?:\\s+\\p{Lu}\\p{Ll}+)?)['’]s\\s+(${PERSONAL})\\b`, "u");
// The customer's own case, which only a lookup in the business's systems answers (xin has none):
// "is my visa ready?", "where is my order?", "did you receive my payment?", "order number 4471".
const OWN_CASE = [
  new RegExp(
    `\\b(is|are|has|have)\\s+(my|our)\\s+(${DATA})\\b.{0,25}\\b(ready|done|approved|confirmed|arrived|shipped|sent|processed|received|cancel+ed|booked|paid|been|here|there|on\\s+(its|the)\\s+way|out\\s+for|delayed|lost)\\b`,
  ),
  new RegExp(`\\bwhere\\s+(is|are)\\s+(my|our)\\s+(${DATA})\\b`),
  new RegExp(`\\b(status|progress)\\s+of\\s+(my|our)\\s+(${DATA})\\b|\\b(my|our)\\s+(${DATA})\\s+status\\b`),
  new RegExp(`\\b(did|have|has)\\s+(you|u)\\s+(get|got|receive|received|process|processed|see|seen)\\s+(my|our)\\b`),
  new RegExp(
    `\\b(check|look\\s+up|find|track)\\s+(if|whether|on|up)?\\s*(my|our)\\s+(${DATA})\\b.{0,20}\\b(is|are|has|was)\\b`,
  ),
  /\b(order|application|booking|reservation|reference|ticket|case|tracking)\s*(number|no\.?|id|#)?\s*(is\s+)?#?\s*\d{3,}/,
  /\bwhat('s|\s+is|\s+are)\s+(my|our)\s+(balance|order\s+status|booking|appointment|reservation|password|account\s+number)\b/,
];

/**
 * Questions xin must not answer from documents: about another person's data or booking, or about the
 * customer's own case that only the business's systems know (xin has no order or booking system, and
 * cannot tell who the customer is). Options: `phrases` — more phrases that count (substring match).
 */
export const personalData: Guardrail = {
  code: "personal_data",
  description: "a question about another person's data, or the customer's own case that needs a lookup",
  stages: ["input"],
  evaluate: ({ question, brand, passages, options }) => {
    const text = normaliseAsked(question);
    // "Shoplite's order tracking" names the business or a product the documents know, not a person.
    const named = NAMED.exec(question);
    const name = named?.[1].toLowerCase() ?? "";
    const ownName =
      named &&
      [brand.name, brand.persona.name, ...passages.map((p) => `${p.title} ${p.text}`)].some((t) =>
        t.toLowerCase().includes(name),
      );
    const other =
      SOMEONE_ELSE.some((re) => re.test(text)) ||
      SOMEONE_ELSE_OTHER.some((re) => re.test(text)) ||
      TITLED.test(question.normalize("NFKD").replace(/[\u0300-\u036f]/g, ""));
    if (other || (named && !ownName)) return fail("asks about another person's data");
    if (OWN_CASE.some((re) => re.test(text))) return fail("asks about the customer's own case, which needs a lookup");
    const extra = stringList(options.phrases).find((p) => text.includes(normaliseAsked(p)));
    return extra ? fail(`said "${extra}"`) : pass;
  },
};
