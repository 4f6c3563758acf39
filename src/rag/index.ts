// The rag room's public surface: parsing, chunking, lexical and dense indexes, fusion,
// the retrieval backend contract with its in-process implementation, and evaluation.
export * from "./ingest/types";
export * from "./ingest/parse-file";
export * from "./ingest/chunker";
export * from "./ingest/tokens";
export * from "./ingest/source-hash";
export * from "./ingest/prepare-source";
export * from "./ingest/crawl/crawl";
export * from "./ingest/crawl/robots";
export * from "./ingest/crawl/links";
export * from "./lexical/analyzer";
export * from "./lexical/query-words";
export * from "./lexical/bm25-index";
export * from "./dense/dense-index";
export * from "./dense/vector-codec";
export * from "./fuse";
export * from "./backends/types";
export * from "./backends/brand-index";
export * from "./backends/memory";
export * from "./backends/sync";
export * from "./eval/beir";
export * from "./eval/metrics";
export * from "./eval/run-beir";
export * from "./backends/postgres";
export * from "./ingest/run-ingest";
export * from "./backends/qdrant/qdrant-backend";
