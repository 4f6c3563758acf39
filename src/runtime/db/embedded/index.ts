export { EMBEDDED_DATABASE, EmbeddedPostgres, embeddedLayout, type EmbeddedLayout } from "./server";
export { assertReachable, serviceIds, SERVICE_USER, type ServiceIds } from "./service-user";
export { isAlive, readPostmaster } from "./postmaster";
export { ensurePostgresRuntime } from "./unpack";
