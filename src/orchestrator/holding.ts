import { baseLanguage, type BrandPolicies } from "./policies";

/** Sent when a conversation is handed to a person, in the customer's language when one is known. */
export const DEFAULT_HOLDING_MESSAGES: Readonly<Record<string, string>> = {
  en: "Thanks for your message! A member of our team will get back to you here shortly.",
  de: "Danke für Ihre Nachricht! Eine Kollegin oder ein Kollege aus unserem Team meldet sich hier in Kürze bei Ihnen.",
  fr: "Merci pour votre message ! Un membre de notre équipe vous répondra ici très bientôt.",
  es: "¡Gracias por su mensaje! Un miembro de nuestro equipo le responderá aquí en breve.",
  it: "Grazie per il suo messaggio! Un membro del nostro team le risponderà qui a breve.",
  nl: "Bedankt voor uw bericht! Een medewerker van ons team reageert hier zo snel mogelijk.",
  pt: "Obrigado pela sua mensagem! Um membro da nossa equipa responderá aqui em breve.",
};

/**
 * The holding message for a customer writing in `language` (null: not detected): the brand's own for
 * that language (`policies.holding_messages`), else — when the language is not the persona's — the
 * built-in translation, else the brand's `holding_message`, else the built-in one of the persona's
 * language (English when there is none). A customer writing German to an English brand that accepts
 * German is told in German that a person will answer.
 */
export const holdingMessage = (policies: BrandPolicies, personaLanguage: string, language: string | null): string => {
  const own = baseLanguage(personaLanguage || "en");
  const asked = language ? baseLanguage(language) : own;
  const brandOwn = policies.holding_messages?.[asked];
  if (brandOwn) return brandOwn;
  if (asked !== own && DEFAULT_HOLDING_MESSAGES[asked]) return DEFAULT_HOLDING_MESSAGES[asked];
  return policies.holding_message ?? DEFAULT_HOLDING_MESSAGES[own] ?? DEFAULT_HOLDING_MESSAGES.en;
};
