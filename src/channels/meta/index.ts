// Shared Graph API pieces for the WhatsApp and Instagram adapters (siblings never import each other).
export * from "./signature";
export * from "./graph-error";
export * from "./client";
export * from "./media-hosts";
export * from "./subscriptions";
