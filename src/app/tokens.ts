import { transaction, type Store } from "../runtime/db";
import { XinError } from "../runtime";
import {
  issueToken,
  listTokenRows,
  parseTtl,
  resolveTenant,
  revokeToken,
  tokenView,
  type Role,
  type TokenView,
} from "../tenancy";

export type TokenRequest = { role: Role; tenant: string | null; name: string; ttl?: string };
export type IssuedToken = TokenView & { token: string };

/**
 * The store side of `xin token …` when no server runs (the API does the same through /api/v1/tokens):
 * resolves the tenant by id or name, issues, lists and revokes, each audited as `cli`.
 */
export const createTokenOnStore = async (
  store: Store,
  instanceKey: string,
  req: TokenRequest,
): Promise<IssuedToken> => {
  const ttl = req.ttl === undefined ? null : parseTtl(req.ttl);
  if (req.ttl !== undefined && !ttl)
    throw new XinError("cli.usage", `--ttl ${req.ttl}: not a duration`, { exitCode: 2, hint: "e.g. 30d, 12h, 45m" });
  const tenant = req.tenant === null ? null : (await resolveTenant(store.db, req.tenant)).id;
  return transaction(store.db, async ({ tx }) => {
    const issued = await issueToken(
      tx,
      instanceKey,
      { role: req.role, tenant_id: tenant, name: req.name, ttl_seconds: ttl },
      "cli",
    );
    const [row] = await listTokenRows(tx, tenant).then((rows) => rows.filter((r) => r.id === issued.id));
    return { ...tokenView(row), token: issued.token };
  });
};

export const listTokensOnStore = async (store: Store, tenant: string | null): Promise<TokenView[]> =>
  (await listTokenRows(store.db, tenant === null ? null : (await resolveTenant(store.db, tenant)).id)).map(tokenView);

export const revokeTokenOnStore = (store: Store, id: string): Promise<TokenView> =>
  transaction(store.db, async ({ tx }) => tokenView(await revokeToken(tx, id, null, "cli")));
