import { retrievalBackendContract } from "./contract";
import { MemoryBackend } from "./memory";

// The shared contract (contract.ts) is the whole specification of a backend; the memory backend
// is its reference implementation.
retrievalBackendContract("MemoryBackend", async (analyzer) => new MemoryBackend(analyzer));
