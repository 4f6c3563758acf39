import { analyzerFor } from "../lexical/analyzer";
import { retrievalBackendContract } from "./contract";
import { MemoryBackend } from "./memory";
import { quarantineContract } from "./quarantine-contract";

// The shared contract (contract.ts) is the whole specification of a backend; the memory backend
// is its reference implementation.
retrievalBackendContract("MemoryBackend", async (analyzer) => new MemoryBackend(analyzer));

quarantineContract("MemoryBackend", async () => ({
  backend: new MemoryBackend(() => analyzerFor("en")),
  scope: { tenant_id: "ten_q", brand_id: "brd_q" },
  other: { tenant_id: "ten_other", brand_id: "brd_q" },
}));
