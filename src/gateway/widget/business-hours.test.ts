// Business hours: when the team is in (in the brand's time zone, across DST), when it is back, the
// away note the widget shows, and the mistakes a brand save names.
import { describe, expect, test } from "bun:test";
import { businessHoursSchema, opennessAt } from "./business-hours";
import { sniffType } from "./files";
import { resolveSettings } from "./settings";

const berlin = businessHoursSchema.parse({
  timezone: "Europe/Berlin",
  days: { mon: ["09:00-12:00", "13:00-17:00"], fri: ["09:00-24:00"], sat: ["10:00-14:00"] },
});

describe("opennessAt", () => {
  test.each([
    // 2026-12-07 is a Monday; Berlin is UTC+1 in winter, UTC+2 in summer.
    ["2026-12-07T08:00:00Z", { open: true }],
    ["2026-12-07T11:30:00Z", { open: false, reopens: { day: "mon", time: "13:00" } }], // lunch
    ["2026-12-07T16:00:00Z", { open: false, reopens: { day: "fri", time: "09:00" } }], // Monday 17:00, closed until Friday
    ["2026-12-11T22:59:00Z", { open: true }], // Friday 23:59, open to midnight
    ["2026-12-12T23:00:00Z", { open: false, reopens: { day: "mon", time: "09:00" } }], // Sunday
    ["2026-07-06T07:30:00Z", { open: true }], // a summer Monday 09:30 (UTC+2)
    ["2026-07-06T06:30:00Z", { open: false, reopens: { day: "mon", time: "09:00" } }], // 08:30 the same day
  ])("%s → %o", (at, expected) => {
    expect(opennessAt(berlin, new Date(at))).toEqual(expected as ReturnType<typeof opennessAt>);
  });

  test("no hours on any day: away, with no time to be back", () => {
    expect(opennessAt(businessHoursSchema.parse({ timezone: "UTC", days: {} }), new Date())).toEqual({
      open: false,
      reopens: null,
    });
  });
});

describe("the schema names each mistake", () => {
  const problems = (raw: unknown) =>
    (businessHoursSchema.safeParse(raw).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
  test.each([
    [{ timezone: "Mars/Olympus", days: {} }, "timezone: an IANA time zone such as Europe/Berlin or America/New_York"],
    [{ timezone: "UTC", days: { mon: ["9-17"] } }, 'days.mon.0: a range of 24-hour times such as "09:00-17:30"'],
    [{ timezone: "UTC", days: { mon: ["18:00-09:00"] } }, "days.mon.0: the range must end after it starts"],
    [{ timezone: "UTC", days: { monday: ["09:00-17:00"] } }, 'days: Unrecognized key: "monday"'],
    [{ days: {} }, "timezone: Invalid input: expected string, received undefined"],
  ])("%o", (raw, message) => {
    expect(problems(raw).join("\n")).toContain(message);
  });
});

describe("the away note", () => {
  const widget = { business_hours: { timezone: "Europe/Berlin", days: { mon: ["09:00-17:00"] } } };
  test("outside hours: when the team is back, in the widget's language; inside: none", () => {
    const sunday = new Date("2026-12-06T12:00:00Z");
    expect(resolveSettings("Acme", "en", widget, sunday).away).toEqual({
      note: "We are away right now. The assistant can still help, and a person will answer when we are back (Monday 09:00, Europe/Berlin).",
      ask_email: true,
    });
    expect(resolveSettings("Acme", "de", widget, sunday).away?.note).toContain("(Montag 09:00, Europe/Berlin)");
    expect(resolveSettings("Acme", "en", widget, new Date("2026-12-07T10:00:00Z")).away).toBeNull();
    expect(
      resolveSettings(
        "Acme",
        "en",
        { business_hours: { ...widget.business_hours, away_message: "Back Monday!", ask_email: false } },
        sunday,
      ).away,
    ).toEqual({ note: "Back Monday!", ask_email: false });
  });
  test("stored hours that do not parse leave the widget as if always open", () => {
    expect(resolveSettings("Acme", "en", { business_hours: { timezone: "nope" } }, new Date()).away).toBeNull();
  });
});

describe("sniffType", () => {
  test.each([
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0], "image/png"],
    [[0xff, 0xd8, 0xff, 0xe0], "image/jpeg"],
    [[...Buffer.from("GIF89a")], "image/gif"],
    [[...Buffer.from("RIFF\0\0\0\0WEBPVP8 ")], "image/webp"],
    [[...Buffer.from("%PDF-1.7")], "application/pdf"],
    [[...Buffer.from("MZ\x90\0")], null],
    [[...Buffer.from("<svg xmlns=")], null], // SVG can carry script: not taken
    [[], null],
  ])("%p → %p", (bytes, type) => {
    expect(sniffType(new Uint8Array(bytes))).toBe(type);
  });
});
