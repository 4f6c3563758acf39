/**
 * A brand's business hours (`widget.business_hours`): when a person is there to answer. Outside them
 * the widget says so and offers an e-mail field, the way Intercom's and Crisp's "away" mode does; the
 * assistant keeps answering. Checked strictly when a brand is saved (every mistake named), read
 * leniently: stored hours that do not parse count as "always open", never as a widget that fails.
 *
 *   business_hours = { timezone = "Europe/Berlin", days = { mon = ["09:00-17:00"], sat = ["10:00-14:00"] },
 *                      away_message = "…" (optional), ask_email = true (default) }
 * A day left out is closed; a range may end at 24:00.
 */
import { z } from "zod";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
type Weekday = (typeof WEEKDAYS)[number];

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const range = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a range of 24-hour times such as "09:00-17:30"')
  .refine(
    (r) => minutesOf(r.slice(6)) > minutesOf(r.slice(0, 5)),
    'the range must end after it starts (split a night shift: "22:00-24:00" and "00:00-06:00" the next day)',
  );

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const businessHoursSchema = z
  .object({
    timezone: z.string().refine(isTimeZone, "an IANA time zone such as Europe/Berlin or America/New_York"),
    days: z
      .object(
        Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(range).max(6).optional()])) as Record<
          Weekday,
          z.ZodOptional<z.ZodArray<typeof range>>
        >,
      )
      .strict(), // an unknown key (say "monday") is named: days are mon … sun
    away_message: z.string().trim().min(1).max(300).optional(),
    ask_email: z.boolean().default(true),
  })
  .strict();

export type BusinessHours = z.output<typeof businessHoursSchema>;

/** The weekday and minute of the day at `now` in `timezone`. */
const localTime = (now: Date, timezone: string): { day: number; minute: number } => {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = WEEKDAYS.indexOf(get("weekday").toLowerCase().slice(0, 3) as Weekday);
  return { day, minute: Number(get("hour")) * 60 + Number(get("minute")) };
};

export type Openness = { open: true } | { open: false; reopens: { day: Weekday; time: string } | null };

/** Whether the team is in at `now`, and if not, when it is next (within a week; null: never). */
export const opennessAt = (hours: BusinessHours, now: Date): Openness => {
  const { day, minute } = localTime(now, hours.timezone);
  const rangesOf = (d: number) =>
    (hours.days[WEEKDAYS[d % 7]] ?? []).map((r) => ({
      start: minutesOf(r.slice(0, 5)),
      end: minutesOf(r.slice(6)),
      text: r.slice(0, 5),
    }));
  if (rangesOf(day).some((r) => minute >= r.start && minute < r.end)) return { open: true };
  for (let offset = 0; offset <= 7; offset++) {
    const next = rangesOf(day + offset)
      .filter((r) => offset > 0 || r.start > minute)
      .sort((a, b) => a.start - b.start)[0];
    if (next) return { open: false, reopens: { day: WEEKDAYS[(day + offset) % 7], time: next.text } };
  }
  return { open: false, reopens: null };
};

/** A weekday's name in `language` ("Monday", "Montag"); 2024-01-01 was a Monday. */
export const weekdayName = (day: Weekday, language: string): string => {
  const date = new Date(Date.UTC(2024, 0, 1 + WEEKDAYS.indexOf(day)));
  try {
    return new Intl.DateTimeFormat(language, { weekday: "long", timeZone: "UTC" }).format(date);
  } catch {
    return new Intl.DateTimeFormat("en", { weekday: "long", timeZone: "UTC" }).format(date);
  }
};
