// The whole data model of DESIGN §3. drizzle-kit reads this file to generate migrations.
export * from "./acme";
export * from "./agents";
export * from "./audit";
export * from "./automations";
export * from "./brands";
export * from "./channels";
export * from "./contacts";
export * from "./dead-letters";
export * from "./conversations";
export * from "./escalations";
export * from "./instance";
export * from "./jobs";
export * from "./knowledge";
export * from "./messages";
export * from "./schedule-runs";
export * from "./tenants";
export * from "./upload-blobs";
