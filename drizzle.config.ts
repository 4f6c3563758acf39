import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/runtime/db/schema/index.ts",
  out: "./src/runtime/db/migrations",
});
