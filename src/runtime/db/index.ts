export { preparedOnce } from "./prepared";
export { permanentRefusal } from "./refusal";
export { keepDeadLetter, type DeadLetter } from "./dead-letters";
export { keysetAfter, keysetBefore, timeWindow, type Cursor } from "./keyset";
export { GroupTransaction } from "./group-transaction";
export {
  notifyInTx,
  openClient,
  sqlOf,
  transaction,
  type Db,
  type StoreClient,
  type StoreTarget,
  type Tx,
  type TxContext,
} from "./client";
export * as schema from "./schema";
export { Store, type StoreKind, type StoreOptions } from "./store";
export { StoreHealth, type StoreHealthOptions } from "./store-health";
export { migrations } from "./embedded.gen";
export {
  migrate,
  migrationStatus,
  unknownMigrationError,
  type EmbeddedMigration,
  type MigrationStatus,
  type UnknownMigration,
} from "./migrate";
export { copyClusterOnline, type PhysicalBackup } from "./physical-backup";
export {
  EmbeddedPostgres,
  embeddedLayout,
  serviceIds,
  assertReachable,
  SERVICE_USER,
  isAlive,
  type ServiceIds,
} from "./embedded";
export { fetchSharedUploads, releaseSharedUploads, shareUploads } from "./upload-blobs";
