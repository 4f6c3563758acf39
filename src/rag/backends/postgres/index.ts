export { PostgresBackend } from "./backend";
