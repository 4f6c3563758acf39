// The rag room's public surface: parsing, chunking, lexical and dense indexes, fusion, evaluation.
export * from "./lexical/analyzer";
export * from "./lexical/bm25-index";
export * from "./dense/dense-index";
export * from "./fuse";
export * from "./eval/beir";
export * from "./eval/metrics";
