export { createApp, type App, type AppPhase } from "./create-app";
export { readStatus, type InstanceStatus } from "./status";
export { XIN_VERSION } from "./version";
export {
  archiveSize,
  createBackupArchive,
  lastBackup,
  readManifest,
  type BackupManifest,
  type BackupOptions,
} from "./backup";
export { restoreInstance, rollBackStore, type RestoreResult, type StoreRollback } from "./restore";
export { initInstance, type InitOptions, type InitResult } from "./init";
export {
  createEmbedder,
  createKnowledgeBackend,
  ingestIntoBrand,
  REASON_TEXT,
  releasePassages,
  removeKnowledgeSource,
  searchKnowledge,
  knowledgeApi,
  resolveBrand,
  type BrandRef,
  type IngestSummary,
  type QuarantinedPassage,
  type SearchResult,
  type SourceMeta,
} from "./knowledge";
export { findWidgetBrand, widgetSnippet, type WidgetBrand, type WidgetSnippet } from "./widget";
export { answeringMode, askOnStore, createAnswering, type AnsweringMode } from "./answering";
export type { AskResult, Turn } from "../orchestrator";
export { checkWebhookRegistration, judgeRegistration, type RegistrationVerdict } from "./webhook-registration";
export {
  addChannel,
  connectChannel,
  modeOf,
  nextStepFor,
  testChannel,
  verifyCredentials,
  webhookUrlOf,
  type AddChannelInput,
  type ChannelReport,
} from "./channels";
export { channelDetail, channelView, findChannelRow, listChannelRows, removeChannel } from "../tenancy";
export { evalRetrievalBeir } from "./eval";
export {
  combineReports,
  loadEvalSet,
  memoryBrand,
  passes,
  renderReport,
  runEvalSet,
  type EvalReport,
  type EvalSet,
  type SetReport,
} from "./eval-answers";
export {
  createTokenOnStore,
  listTokensOnStore,
  revokeTokenOnStore,
  type IssuedToken,
  type TokenRequest,
} from "./tokens";
export { detectFormat, uploadNameIssue, walkFiles } from "../rag";
// The one rule for which brand a command or route means (tenancy's), for the CLI.
export { chooseBrand, type BrandCandidate } from "../tenancy";
export { certStatus, issueWithoutServer, CERT_RENEW_JOB } from "./certificates";
export {
  LETSENCRYPT_PRODUCTION,
  LETSENCRYPT_STAGING,
  parseDomains,
  type CertStatus,
  type OrderRequest,
} from "../certs";
export {
  listScheduledBackups,
  pruneScheduledBackups,
  scheduledBackupsDir,
  type ListedBackup,
} from "./scheduled-backup";
export {
  groupGaps,
  parsePeriod,
  readBrandReport,
  readKnowledgeGaps,
  type BrandReport,
  type GapGroup,
  type KnowledgeGaps,
  type Period,
} from "./report";
export {
  automationView,
  listAutomationsOnStore,
  runAutomationOnStore,
  showAutomationOnStore,
  type AutomationView,
} from "./automations";
export type { RunOutcome } from "../workers";
