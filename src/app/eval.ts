import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendTarget, loadBeir, runBeir, type BeirReport } from "../rag";
import { XinError, type Logger } from "../runtime";
import { serviceIds, Store, transaction } from "../runtime/db";
import { createBrand, createTenant } from "../tenancy";
import { createKnowledgeBackend } from "./knowledge";

/**
 * `xin eval retrieval --beir DIR`: ingests a BEIR dataset into a throwaway embedded store in a temp
 * dir (no instance or config needed), through the same backend and chunker production uses, runs every
 * test query and scores the run. The temp dir is removed afterwards, also on failure.
 */
export const evalRetrievalBeir = async (dir: string, log: Logger): Promise<BeirReport> => {
  let dataset;
  try {
    dataset = loadBeir(dir);
  } catch (cause) {
    throw new XinError("eval.dataset_invalid", `${dir} is not a readable BEIR dataset: ${(cause as Error).message}`, {
      hint: "expected corpus.jsonl (or corpus.jsonl.gz), queries.jsonl and qrels/test.tsv",
      cause,
    });
  }
  const temp = mkdtempSync(join(tmpdir(), "xin-eval-"));
  chmodSync(temp, 0o755); // the service user (as root) must reach the store inside
  serviceIds({ create: true });
  const store = new Store({ dataDir: temp, poolMax: 4, log });
  try {
    await store.open({ migrate: true });
    const scope = await transaction(store.db, async ({ tx }) => {
      const tenant = await createTenant(tx, "eval", "eval");
      const brand = await createBrand(tx, tenant.id, "BEIR", "eval");
      return { tenant_id: tenant.id, brand_id: brand.id };
    });
    return await runBeir(
      dataset,
      backendTarget(
        createKnowledgeBackend(() => store.db),
        scope,
      ),
    );
  } finally {
    await store.close();
    rmSync(temp, { recursive: true, force: true });
  }
};
