export { preparedOnce } from "./prepared";
export { keysetAfter, keysetBefore, timeWindow, type Cursor } from "./keyset";
export { GroupTransaction } from "./group-transaction";
export { notifyInTx, openClient, transaction, type Db, type StoreClient, type StoreTarget, type Tx, type TxContext } from "./client";
export * as schema from "./schema";
export { Store, type StoreKind, type StoreOptions } from "./store";
export { migrations } from "./embedded.gen";
export { migrate, migrationStatus, type EmbeddedMigration, type MigrationStatus } from "./migrate";
export { EmbeddedPostgres, embeddedLayout, serviceIds, assertReachable, SERVICE_USER, isAlive, type ServiceIds } from "./embedded";
