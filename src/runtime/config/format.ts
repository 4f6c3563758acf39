import type { z } from "zod";

/** Where a value came from: the TOML file or an environment variable. */
export type Origin = { kind: "file" | "env"; name: string };

/** Example values shown as the fix for common keys. */
const EXAMPLES: Record<string, string> = {
  "server.port": "8080",
  "server.host": "0.0.0.0",
  "server.public_url": "https://chat.example.com",
  "egress.allow_cidrs": '["127.0.0.1/32"] in xin.toml, or XIN_EGRESS__ALLOW_CIDRS=127.0.0.1/32,10.0.0.0/8',
  "server.trusted_proxies":
    '["127.0.0.1", "10.0.0.0/8", "fd00::/8"] in xin.toml, or XIN_SERVER__TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8',
  "database.url": "postgres://xin:secret@127.0.0.1:5432/xin",
  data_dir: "/var/lib/xin",
  instance_key: "the value `xin init` wrote to xin.env (XIN_INSTANCE_KEY)",
  "log.level": "info",
};

const envName = (key: string) => `XIN_${key.toUpperCase().replaceAll(".", "__")}`;

const valueAt = (tree: unknown, path: PropertyKey[]): unknown => {
  let node = tree;
  for (const part of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
};

const isSecretKey = (key: string) => /instance_key|admin_token|api_key|secret|password/.test(key);

/**
 * One line per issue: `key (origin): what is wrong, got VALUE; set e.g. EXAMPLE`. Secrets are never
 * echoed. Unknown keys (strict objects) name the key and suggest removing it.
 */
export const formatIssues = (
  issues: z.core.$ZodIssue[],
  tree: unknown,
  origins: Map<string, Origin>,
  path: string,
): string => {
  const lines = issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => {
        const key = [...issue.path.map(String), k].join(".");
        // An unknown section set from the environment (XIN_SERVR__PORT) is known by its leaves' variables.
        const origin =
          origins.get(key) ?? [...origins].find(([k, o]) => o.kind === "env" && k.startsWith(`${key}.`))?.[1];
        const where = origin?.kind === "env" ? origin.name : `in ${path}`;
        return `${key} (${where}): unknown key; remove it or check its spelling`;
      });
    }
    const key = issue.path.map(String).join(".");
    const origin = origins.get(key);
    const where = origin
      ? origin.kind === "env"
        ? origin.name
        : `in ${origin.name}`
      : `missing; set it in ${path} or ${envName(key)}`;
    const value = valueAt(tree, issue.path);
    const shown = value === undefined ? "" : isSecretKey(key) ? ", got [hidden]" : `, got ${JSON.stringify(value)}`;
    const example = EXAMPLES[key] ? `; set e.g. ${EXAMPLES[key]}` : "";
    return [`${key} (${where}): ${issue.message}${shown}${example}`];
  });
  return `invalid configuration:\n  ${lines.join("\n  ")}`;
};
