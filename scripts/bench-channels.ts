/**
 * Cost of the channels half of a webhook acknowledgement: verify (HMAC or secret token) + parse, per
 * fixture, in process. Run: `bun scripts/bench-channels.ts [iterations]`. The gateway's ack budget
 * (p99 ≤ 10 ms at 1,000 webhooks/s, ISSUE 4) must leave room for the database transaction; this shows
 * how little of it the adapters take.
 */
import { metaSignatureHeader, telegram, whatsapp, type WebhookRequest } from "../src/channels";
import { fixtureBytes } from "../test/support/fixtures";

const iterations = Number(process.argv[2] ?? 20000);

const waBinding = {
  channelId: "bench",
  credentials: { phone_number_id: "106540352242922", access_token: "t", app_secret: "bench-secret", verify_token: "v" },
};
const tgBinding = {
  channelId: "bench",
  credentials: {
    bot_token: "7000000001:AAFakeTokenForTestsOnly",
    mode: "webhook" as const,
    secret_token: "bench_secret",
  },
};

const cases: { name: string; run: () => void }[] = [
  (() => {
    const body = fixtureBytes("whatsapp", "inbound/text.json");
    const request: WebhookRequest = {
      method: "POST",
      headers: new Headers({ "x-hub-signature-256": metaSignatureHeader("bench-secret", body) }),
      query: new URLSearchParams(),
      body,
    };
    return {
      name: "whatsapp text (verify+parse)",
      run: () => (whatsapp.verify(request, waBinding), whatsapp.parse(body, waBinding)),
    };
  })(),
  (() => {
    const body = fixtureBytes("telegram", "inbound/private_text.json");
    const request: WebhookRequest = {
      method: "POST",
      headers: new Headers({ "x-telegram-bot-api-secret-token": "bench_secret" }),
      query: new URLSearchParams(),
      body,
    };
    return {
      name: "telegram text (verify+parse)",
      run: () => (telegram.verify(request, tgBinding), telegram.parse(body, tgBinding)),
    };
  })(),
];

for (const { name, run } of cases) {
  for (let i = 0; i < 1000; i++) run();
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    run();
    samples[i] = performance.now() - start;
  }
  samples.sort();
  const at = (q: number) => (samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] * 1000).toFixed(1);
  console.log(`${name}: p50 ${at(0.5)} µs, p99 ${at(0.99)} µs, max ${at(1)} µs over ${iterations}`);
}
