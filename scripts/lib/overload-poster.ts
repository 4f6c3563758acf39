// The overload benchmark's poster, a child process on the same cores as xin (as a real overload
// would be): posts signed WhatsApp webhooks from distinct customers — open loop at `rate`, or as fast
// as `concurrency` connections allow — and prints, per customer, when it was posted and how long its
// ack took (-1: not a 200), as one JSON line.
//   bun scripts/lib/overload-poster.ts '{"url":…,"prefix":"481","count":1000,"concurrency":64}'
import { hmacSha256Hex } from "../../src/runtime";
import { DEMO_WA } from "./demo-instance";
import { postOnSchedule } from "./post-schedule";

export type PostSpec = { url: string; prefix: string; count: number; rate?: number; concurrency?: number };

const body = (from: string) =>
  JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "2200000000000007",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550199999", phone_number_id: DEMO_WA.phone },
              contacts: [{ wa_id: from, profile: { name: "Bench" } }],
              messages: [
                {
                  from,
                  id: `wamid.ovl.${from}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: "text",
                  text: { body: "How long does delivery to Austria take?" },
                },
              ],
            },
          },
        ],
      },
    ],
  });

if (import.meta.main) {
  const spec = JSON.parse(process.argv[2] ?? "{}") as PostSpec;
  const out: Record<string, [number, number]> = {};
  const one = async (i: number) => {
    const from = `${spec.prefix}${String(i).padStart(6, "0")}`;
    const b = body(from);
    const at = performance.timeOrigin + performance.now();
    const res = await fetch(spec.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-hub-signature-256": `sha256=${hmacSha256Hex(DEMO_WA.secret, b)}`,
      },
      body: b,
    }).catch(() => null);
    out[`+${from}`] = [at, res?.status === 200 ? performance.timeOrigin + performance.now() - at : -1];
    await res?.arrayBuffer();
  };
  await postOnSchedule(spec.count, one, spec);
  console.log(JSON.stringify(out));
  process.exit(0);
}
