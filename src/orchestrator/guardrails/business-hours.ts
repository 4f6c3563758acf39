import { fail, pass, type Guardrail } from "./types";

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const RANGE = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/;

/** Day (0 = Sunday) and minute of the day of `now` in `timeZone`; null for an unknown zone. */
const localTime = (now: Date, timeZone: string): { day: number; minute: number } | null => {
  try {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(now);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
    return {
      day: DAYS.indexOf(get("weekday").toLowerCase().slice(0, 3) as (typeof DAYS)[number]),
      minute: Number(get("hour")) * 60 + Number(get("minute")),
    };
  } catch {
    return null;
  }
};

/** Whether `minute` falls in any of the day's ranges ("09:00-12:00, 13:00-18:00"); an end before the start runs past midnight. */
const inRanges = (spec: unknown, minute: number): boolean => {
  if (typeof spec !== "string") return false;
  return spec.split(",").some((range) => {
    const m = RANGE.exec(range.trim());
    if (!m) return false;
    const start = Number(m[1]) * 60 + Number(m[2]);
    const end = Number(m[3]) * 60 + Number(m[4]);
    return start <= end ? minute >= start && minute < end : minute >= start || minute < end;
  });
};

/**
 * Outside the brand's business hours the conversation goes to the agents' queue instead of being
 * answered, for brands whose bot must only speak while staff can back it up. Off unless the brand
 * configures it: options `timezone` (IANA, default UTC) and `hours` ({ mon: "09:00-18:00", … }; a day
 * left out is closed).
 */
export const outsideHours: Guardrail = {
  code: "outside_hours",
  description: "the message arrived outside the brand's business hours",
  stages: ["input"],
  enabledByDefault: false,
  evaluate: ({ now, options }) => {
    const hours = options.hours;
    if (!hours || typeof hours !== "object") return pass;
    const zone = typeof options.timezone === "string" ? options.timezone : "UTC";
    const local = localTime(now, zone);
    if (!local) return fail(`unknown timezone ${zone}`);
    const spec = (hours as Record<string, unknown>)[DAYS[local.day]];
    return inRanges(spec, local.minute) ? pass : fail(`closed now (${DAYS[local.day]} in ${zone})`);
  },
};
