import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { configKeys, configTable } from "./docs";

test("every config key is described", () => {
  const undocumented = configKeys()
    .filter((k) => !k.description)
    .map((k) => k.key);
  expect(undocumented).toEqual([]);
});

test("the README's configuration table is the schema's (run: bun scripts/gen-readme-config.ts)", () => {
  const readme = readFileSync(join(import.meta.dir, "../../../README.md"), "utf8");
  expect(readme).toContain(configTable());
});
