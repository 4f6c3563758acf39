// Crash suite (issue 17): the compiled binary under signed WhatsApp and Telegram load, SIGKILLed at
// random moments and inside provider calls, restarted each time; on the embedded and an external store.
// Goal: no acknowledged message lost; no reply sent twice on WhatsApp; on Telegram (no correlation
// offered) only a kill between the provider's acceptance and the sent mark may duplicate, each counted.
// Short profile by default (a few kills, about a minute); RELIABILITY_PROFILE=long for the recorded
// figures (RELIABILITY.md). Needs dist/xin (`bun scripts/build.ts --no-smoke`; built when missing).
import { afterAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { startExternalPostgres, type ExternalPostgres } from "../support/external-postgres";
import { crashRun, type CrashProfile, type CrashReport } from "./crash-run";

const LONG = process.env.RELIABILITY_PROFILE === "long";
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PROFILE: CrashProfile = {
  messages: env("RELIABILITY_MESSAGES", LONG ? 900 : 100),
  kills: env("RELIABILITY_KILLS", LONG ? 25 : 4),
  ratePerSecond: env("RELIABILITY_RATE", LONG ? 15 : 12),
  seed: env("RELIABILITY_SEED", 17),
};

let external: ExternalPostgres | null = null;
afterAll(async () => {
  await external?.stop();
});

const check = (store: string, report: CrashReport) => {
  console.log(`crash ${LONG ? "long" : "short"} [${store}] ${JSON.stringify(report)}`);
  expect(report.kills).toBe(PROFILE.kills);
  for (const tally of Object.values(report.providers)) {
    expect(tally.lost).toBe(0);
    expect(tally.replies).toBeGreaterThanOrEqual(tally.customers);
  }
  expect(report.providers.whatsapp.duplicated).toBe(0);
  // Telegram has no correlation: a kill between its send and the sent mark resends, and each is counted.
  expect(report.providers.telegram.duplicated).toBeLessThanOrEqual(report.providers.telegram.inDoubt.resend ?? 0);
};

describe(`crash suite (${LONG ? "long" : "short"} profile)`, () => {
  test("embedded store: nothing lost, nothing sent twice on WhatsApp", async () => {
    check("embedded", await crashRun(PROFILE));
  }, LONG || process.env.RELIABILITY_MESSAGES ? 1_200_000 : 180_000);

  test("external store: nothing lost, nothing sent twice on WhatsApp", async () => {
    external = await startExternalPostgres();
    const admin = postgres(external.url, { max: 1, onnotice: () => {} });
    await admin.unsafe("create database xin_crash");
    await admin.end();
    check("external", await crashRun({ ...PROFILE, seed: PROFILE.seed + 1 }, external.url.replace(/\/postgres$/, "/xin_crash")));
  }, LONG || process.env.RELIABILITY_MESSAGES ? 1_200_000 : 180_000);
});
