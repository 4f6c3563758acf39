import { and, asc, eq, or } from "drizzle-orm";
import { z } from "zod";
import { widget, WIDGET_UPLOADS, type WidgetCredentials } from "../../channels";
import { schema, type Db } from "../../runtime/db";
import { bindChannel, type ChannelRow } from "../../tenancy";
import { businessHoursSchema, opennessAt, weekdayName } from "./business-hours";

const color = z.string().regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/, "a #rgb or #rrggbb colour");

/**
 * The brand's `widget` settings as the embed script uses them. Unknown keys are ignored and a bad value
 * falls back to its default (one typo must not take the widget off a shop's site).
 */
const settingsSchema = z.object({
  title: z.string().min(1).max(60).optional().catch(undefined),
  subtitle: z.string().max(80).optional().catch(undefined),
  color: color.default("#4f46e5").catch("#4f46e5"),
  text_color: color.default("#ffffff").catch("#ffffff"),
  greeting: z.string().max(500).optional().catch(undefined),
  placeholder: z.string().max(80).optional().catch(undefined),
  position: z.enum(["right", "left"]).default("right").catch("right"),
  language: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$/)
    .optional()
    .catch(undefined),
  business_hours: businessHoursSchema.optional().catch(undefined),
});

/** What the brand API checks before it stores `widget` settings: the lenient read above forgives, this names every mistake. */
export const widgetSettingsInput = z.looseObject({ business_hours: businessHoursSchema.optional() });

export type WidgetSettings = {
  title: string;
  subtitle: string;
  color: string;
  text_color: string;
  greeting: string;
  placeholder: string;
  position: "right" | "left";
  language: string;
  /** Accessible names and status texts in the widget's language. */
  labels: Labels;
  /** Outside the brand's business hours: the note the widget shows, and whether it asks for an e-mail. */
  away: { note: string; ask_email: boolean } | null;
  /** What a visitor may attach (the server checks again). */
  uploads: { max_bytes: number; types: readonly string[] };
};

type Labels = {
  open: string;
  close: string;
  send: string;
  message: string;
  messages: string;
  unavailable: string;
  offline: string;
  failed: string;
  /** After an agent's name on their messages: it is a person, not the assistant. */
  person: string;
  /** Header while a person holds the conversation (`%s`: their name) or is about to. */
  with_agent: string;
  waiting: string;
  away: string;
  email_ask: string;
  email_save: string;
  email_saved: string;
  attach: string;
  unread: string;
  file_type: string;
  file_size: string;
};

/** Everything the widget routes need about one brand's widget: resolved per request, never cached stale. */
export type WidgetSite = {
  brandId: string;
  tenantId: string;
  channel: ChannelRow;
  credentials: WidgetCredentials;
  settings: WidgetSettings;
};

type Phrases = { greeting: string; placeholder: string; subtitle: string; labels: Labels };

const PHRASES: Record<string, Phrases> = {
  en: {
    greeting: "Hi! How can we help you today?",
    placeholder: "Write a message…",
    subtitle: "We usually answer right away",
    labels: {
      open: "Open chat",
      close: "Close chat",
      send: "Send",
      message: "Message",
      messages: "Messages",
      unavailable: "Chat is unavailable right now.",
      offline: "You seem to be offline. Send again to retry.",
      failed: "The message could not be sent.",
      person: "Team",
      with_agent: "%s (a person) is answering you",
      waiting: "A person will answer soon; replies can take a few minutes",
      away: "We are away right now. The assistant can still help, and a person will answer when we are back",
      email_ask: "Leave your e-mail and we will write back:",
      email_save: "Save",
      email_saved: "Thanks, we will write to %s.",
      attach: "Attach an image or PDF",
      unread: "%d new messages",
      file_type: "Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.",
      file_size: "Files are limited to %d MB.",
    },
  },
  de: {
    greeting: "Hallo! Wie können wir helfen?",
    placeholder: "Nachricht schreiben…",
    subtitle: "Wir antworten meist sofort",
    labels: {
      open: "Chat öffnen",
      close: "Chat schließen",
      send: "Senden",
      message: "Nachricht",
      messages: "Nachrichten",
      unavailable: "Der Chat ist gerade nicht verfügbar.",
      offline: "Keine Verbindung. Zum Wiederholen erneut senden.",
      failed: "Die Nachricht konnte nicht gesendet werden.",
      person: "Team",
      with_agent: "%s (ein Mensch) antwortet Ihnen",
      waiting: "Ein Mensch antwortet bald; das kann einige Minuten dauern",
      away: "Wir sind gerade nicht da. Der Assistent hilft trotzdem, und ein Mensch antwortet, sobald wir zurück sind",
      email_ask: "Hinterlassen Sie Ihre E-Mail, wir schreiben zurück:",
      email_save: "Speichern",
      email_saved: "Danke, wir schreiben an %s.",
      attach: "Bild oder PDF anhängen",
      unread: "%d neue Nachrichten",
      file_type: "Nur Bilder (PNG, JPEG, GIF, WebP) und PDF-Dateien können gesendet werden.",
      file_size: "Dateien dürfen höchstens %d MB groß sein.",
    },
  },
  fr: {
    greeting: "Bonjour ! Comment pouvons-nous vous aider ?",
    placeholder: "Écrire un message…",
    subtitle: "Nous répondons généralement tout de suite",
    labels: {
      open: "Ouvrir le chat",
      close: "Fermer le chat",
      send: "Envoyer",
      message: "Message",
      messages: "Messages",
      unavailable: "Le chat est indisponible pour le moment.",
      offline: "Vous semblez hors ligne. Renvoyez pour réessayer.",
      failed: "Le message n'a pas pu être envoyé.",
      person: "Équipe",
      with_agent: "%s (une personne) vous répond",
      waiting: "Une personne va répondre ; cela peut prendre quelques minutes",
      away: "Nous sommes absents. L'assistant peut vous aider, et une personne répondra à notre retour",
      email_ask: "Laissez votre e-mail, nous vous répondrons :",
      email_save: "Enregistrer",
      email_saved: "Merci, nous écrirons à %s.",
      attach: "Joindre une image ou un PDF",
      unread: "%d nouveaux messages",
      file_type: "Seules les images (PNG, JPEG, GIF, WebP) et les PDF peuvent être envoyés.",
      file_size: "Les fichiers sont limités à %d Mo.",
    },
  },
  es: {
    greeting: "¡Hola! ¿En qué podemos ayudarte?",
    placeholder: "Escribe un mensaje…",
    subtitle: "Solemos responder al instante",
    labels: {
      open: "Abrir chat",
      close: "Cerrar chat",
      send: "Enviar",
      message: "Mensaje",
      messages: "Mensajes",
      unavailable: "El chat no está disponible ahora.",
      offline: "Parece que no hay conexión. Envía de nuevo para reintentar.",
      failed: "No se pudo enviar el mensaje.",
      person: "Equipo",
      with_agent: "%s (una persona) te está respondiendo",
      waiting: "Una persona responderá pronto; puede tardar unos minutos",
      away: "Ahora no estamos. El asistente puede ayudarte y una persona responderá cuando volvamos",
      email_ask: "Deja tu e-mail y te responderemos:",
      email_save: "Guardar",
      email_saved: "Gracias, escribiremos a %s.",
      attach: "Adjuntar una imagen o PDF",
      unread: "%d mensajes nuevos",
      file_type: "Solo se pueden enviar imágenes (PNG, JPEG, GIF, WebP) y PDF.",
      file_size: "Los archivos están limitados a %d MB.",
    },
  },
};

/** The away note when `now` is outside the brand's hours: the brand's own words, or ours with when the team is back. */
const awayOf = (
  s: z.output<typeof settingsSchema>,
  phrases: Phrases,
  language: string,
  now: Date,
): WidgetSettings["away"] => {
  if (!s.business_hours) return null;
  const openness = opennessAt(s.business_hours, now);
  if (openness.open) return null;
  const back = openness.reopens
    ? ` (${weekdayName(openness.reopens.day, language)} ${openness.reopens.time}, ${s.business_hours.timezone})`
    : "";
  return {
    note: s.business_hours.away_message ?? `${phrases.labels.away}${back}.`,
    ask_email: s.business_hours.ask_email,
  };
};

export const resolveSettings = (
  brandName: string,
  personaLanguage: string | undefined,
  raw: unknown,
  now = new Date(),
): WidgetSettings => {
  const s = settingsSchema.parse(typeof raw === "object" && raw !== null ? raw : {});
  const language = s.language ?? personaLanguage ?? "en";
  const phrases = PHRASES[language.slice(0, 2).toLowerCase()] ?? PHRASES.en;
  return {
    title: s.title ?? brandName,
    subtitle: s.subtitle ?? phrases.subtitle,
    color: s.color,
    text_color: s.text_color,
    greeting: s.greeting ?? phrases.greeting,
    placeholder: s.placeholder ?? phrases.placeholder,
    position: s.position,
    language,
    labels: phrases.labels,
    away: awayOf(s, phrases, language, now),
    uploads: { max_bytes: WIDGET_UPLOADS.maxBytes, types: WIDGET_UPLOADS.types },
  };
};

/**
 * The widget of a brand, by its public id (or, for `/demo/<brand>`, its slug): the brand's first
 * enabled `web` channel. Null when the brand is unknown or has no widget channel.
 */
export const loadSite = async (
  db: Db,
  instanceKey: string,
  brandRef: string,
  options: { bySlug?: boolean } = {},
): Promise<WidgetSite | null> => {
  if (!brandRef || brandRef.length > 200) return null;
  const match = options.bySlug
    ? or(eq(schema.brands.id, brandRef), eq(schema.brands.slug, brandRef))
    : eq(schema.brands.id, brandRef);
  const [row] = await db
    .select({ brand: schema.brands, channel: schema.channels })
    .from(schema.brands)
    .innerJoin(
      schema.channels,
      and(
        eq(schema.channels.brand_id, schema.brands.id),
        eq(schema.channels.provider, widget.id),
        eq(schema.channels.enabled, true),
      ),
    )
    .where(match)
    .orderBy(asc(schema.brands.created_at), asc(schema.channels.created_at))
    .limit(1);
  if (!row) return null;
  const { binding } = bindChannel(row.channel, instanceKey);
  return {
    brandId: row.brand.id,
    tenantId: row.brand.tenant_id,
    channel: row.channel,
    credentials: binding.credentials as WidgetCredentials,
    settings: resolveSettings(row.brand.name, row.brand.persona.language, row.brand.widget),
  };
};
