export { createApp, type App, type AppPhase } from "./create-app";
export { readStatus, type InstanceStatus } from "./status";
export { XIN_VERSION } from "./version";
export { initInstance, type InitOptions, type InitResult } from "./init";
export { createKnowledgeBackend, ingestIntoBrand, knowledgeApi, resolveBrand, type BrandRef, type IngestSummary, type SearchResult, type SourceMeta } from "./knowledge";
export { findWidgetBrand, widgetSnippet, type WidgetBrand, type WidgetSnippet } from "./widget";
export { createTokenOnStore, listTokensOnStore, revokeTokenOnStore, type IssuedToken, type TokenRequest } from "./tokens";
