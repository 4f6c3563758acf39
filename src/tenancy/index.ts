// The tenancy room: tenants, brands, tokens and the audit log.
export { recordAudit, type AuditEntry } from "./audit";
export { chooseBrand, type BrandCandidate } from "./brand-choice";
export { brandPoliciesInput, type BrandPoliciesInput } from "./policies";
export { createBrand, createTenant, listBrands, listTenants, slugify, type Brand, type Tenant } from "./tenants";
export { issueToken, verifyToken, type NewToken, type Principal, type Role } from "./tokens";
export {
  apiBaseOf,
  bindChannel,
  channelDetail,
  channelView,
  createChannel,
  findChannelRow,
  listChannelRows,
  providerContext,
  removeChannel,
  type ChannelRow,
  type NewChannel,
} from "./channels";
export { ChannelCache, type BoundChannel } from "./channel-cache";
export { forgetChannels } from "./channel-generation";
// Token administration for the API and the CLI (issue 7).
export {
  listTokenRows,
  parseTtl,
  resolveTenant,
  revokeToken,
  tokenView,
  type TokenRow,
  type TokenView,
} from "./token-admin";
// Automations: the kinds that run, their config and schedule rules (issue 15).
export {
  AUTOMATION_KINDS,
  AUTOMATION_RUN_JOB,
  AUTOMATION_SCAN_JOB,
  automationScheduleIssue,
  checkAutomationKind,
  isAutomationKind,
  parseAutomationConfig,
  PLANNED_AUTOMATION_KINDS,
  runNowJob,
  scheduleMatches,
  type AutomationConfig,
  type AutomationKind,
  type AutomationRunPayload,
} from "./automations";
