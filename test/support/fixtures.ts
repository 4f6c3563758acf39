/**
 * Reads the shared fixtures (`shared/fixtures`: beside the repo, or where `SHARED_DIR` points (not an `XIN_` name: xin reads those as its settings) —
 * scripts/test.sh sets it for a clone made elsewhere). Bytes are returned exactly as stored, because
 * webhook signatures are computed over the file bytes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const repoRoot = join(import.meta.dir, "..", "..");
export const sharedRoot = process.env.SHARED_DIR || join(repoRoot, "..", "shared");
export const channelFixturesRoot = join(sharedRoot, "fixtures", "channels");

export type Provider = "whatsapp" | "instagram" | "telegram";

export const fixturePath = (provider: Provider, relative: string): string =>
  join(channelFixturesRoot, provider, relative);

export const fixtureBytes = (provider: Provider, relative: string): Uint8Array =>
  new Uint8Array(readFileSync(fixturePath(provider, relative)));

export const fixtureJson = <T = unknown>(provider: Provider, relative: string): T =>
  JSON.parse(readFileSync(fixturePath(provider, relative), "utf8")) as T;

/** File names (sorted) in `<provider>/<folder>/`. */
export const listFixtures = (provider: Provider, folder: "inbound" | "send" | "errors"): string[] =>
  readdirSync(join(channelFixturesRoot, provider, folder))
    .filter((f) => f.endsWith(".json"))
    .sort();

export type ErrorFixture = { file: string; httpStatus: number; body: unknown };

/** `errors/<name>.<status>.json`: the HTTP status a fake must answer with is in the file name. */
export const errorFixtures = (provider: Provider): ErrorFixture[] =>
  listFixtures(provider, "errors").map((file) => {
    const status = /\.(\d{3})\.json$/.exec(file);
    if (!status) throw new Error(`error fixture without a status in its name: ${file}`);
    return { file, httpStatus: Number(status[1]), body: fixtureJson(provider, `errors/${file}`) };
  });

export const errorFixture = (provider: Provider, file: string): ErrorFixture => {
  const found = errorFixtures(provider).find((f) => f.file === file);
  if (!found) throw new Error(`no error fixture ${provider}/errors/${file}`);
  return found;
};

/** An error fixture as a fake-server reply: `fake.script(replyWith(errorFixture("whatsapp", "…")))`. */
export const replyWith = (fixture: ErrorFixture, headers?: Record<string, string>) => ({
  status: fixture.httpStatus,
  body: fixture.body,
  headers,
});
