// Rewrites the README's configuration table from the config schema (every key's .describe()).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configTable } from "../src/runtime/config";

const path = join(import.meta.dir, "../README.md");
const readme = readFileSync(path, "utf8");
const next = readme.replace(
  /(<!-- config-table:start[^>]*-->\n)[\s\S]*?(\n<!-- config-table:end -->)/,
  (_m, open: string, close: string) => `${open}${configTable()}${close}`,
);
writeFileSync(path, next);
console.log(next === readme ? "README config table unchanged" : "README config table updated");
