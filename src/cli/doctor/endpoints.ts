import { z } from "zod";
import { fail, ok, reason, warn, type Check } from "./check";

export type Endpoint = { base_url: string; model: string; api_key?: string };

const modelList = z.object({ data: z.array(z.object({ id: z.string() })) });

/**
 * An OpenAI-compatible endpoint answers `GET /models` with the key and offers the configured model.
 * Returns the check and the server's `Date` header (for the clock check), whatever the status.
 */
export const checkEndpoint = async (
  name: string,
  key: string,
  e: Endpoint,
): Promise<{ check: Check; date: string | null }> => {
  const keyFix = `set ${key}.api_key (XIN_${key.toUpperCase()}__API_KEY in /etc/xin/xin.env or the instance's xin.env)`;
  let res: Response;
  try {
    res = await fetch(`${e.base_url}/models`, {
      headers: e.api_key ? { authorization: `Bearer ${e.api_key}` } : {},
      signal: AbortSignal.timeout(5_000),
    });
  } catch (err) {
    return {
      check: fail(
        name,
        `cannot reach ${e.base_url}: ${reason(err)}`,
        `check ${key}.base_url and that the server runs and is reachable from this host`,
      ),
      date: null,
    };
  }
  const date = res.headers.get("date");
  if (res.status === 401 || res.status === 403)
    return { check: fail(name, `${e.base_url} refused the API key (HTTP ${res.status})`, keyFix), date };
  if (res.status === 404) {
    return {
      check: warn(
        name,
        `${e.base_url} answers but lists no models (HTTP 404 on /models): cannot confirm ${e.model}`,
        `check that ${key}.base_url ends with the API root, usually /v1`,
      ),
      date,
    };
  }
  if (!res.ok)
    return {
      check: fail(
        name,
        `${e.base_url}/models answered HTTP ${res.status}`,
        "check the endpoint's own logs; xin retries, but every answer waits on it",
      ),
      date,
    };
  const parsed = modelList.safeParse(await res.json().catch(() => null));
  if (!parsed.success)
    return {
      check: warn(
        name,
        `${e.base_url}/models is not an OpenAI model list: cannot confirm ${e.model}`,
        `check that ${key}.base_url is OpenAI-compatible`,
      ),
      date,
    };
  const ids = parsed.data.data.map((m) => m.id);
  if (!ids.includes(e.model)) {
    const offered = ids.slice(0, 5).join(", ") + (ids.length > 5 ? ", …" : "");
    return {
      check: fail(
        name,
        `${e.base_url} does not offer the model ${e.model} (offers: ${offered || "none"})`,
        `set ${key}.model to one it offers`,
      ),
      date,
    };
  }
  return { check: ok(name, `${e.base_url} answers with ${e.model}`), date };
};

/**
 * Clock skew against a server's HTTP `Date` (1 s resolution). Signed webhooks, tokens and
 * certificates carry timestamps: minutes off breaks them.
 */
export const checkClock = (date: string | null, source: string, now = Date.now()): Check => {
  const theirs = date ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(theirs))
    return warn(
      "clock",
      `${source} sent no usable Date header: skew unknown`,
      "make sure time sync runs: timedatectl set-ntp true",
    );
  const skew = Math.round((now - theirs) / 1000);
  const detail = `${Math.abs(skew)} s ${skew >= 0 ? "ahead of" : "behind"} ${source}`;
  if (Math.abs(skew) > 300)
    return fail("clock", detail, "set the time and keep it synced: timedatectl set-ntp true (or install chrony)");
  if (Math.abs(skew) > 30)
    return warn("clock", detail, "enable time sync: timedatectl set-ntp true (or install chrony)");
  return ok("clock", detail);
};
