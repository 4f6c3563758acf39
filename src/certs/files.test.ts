import { expect, test } from "bun:test";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XinError } from "../runtime";
import { selfSigned } from "../../test/support/self-signed";
import { certPaths, ensureCertDir, readPair, readState, writePrivate } from "./files";

const fresh = () => {
  const paths = certPaths(mkdtempSync(join(tmpdir(), "xin-certfiles-")));
  ensureCertDir(paths);
  return paths;
};
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof XinError ? e.code : String(e);
  }
};

test("private files are written whole and 0600 in a 0700 folder", () => {
  const paths = fresh();
  writePrivate(paths.key, "secret");
  expect(statSync(paths.key).mode & 0o777).toBe(0o600);
  expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
});

test("a key that does not fit the certificate is one clear error; a fitting pair is read", () => {
  const paths = fresh();
  expect(readPair(paths)).toBeNull();
  const a = selfSigned(["a.test"]);
  const b = selfSigned(["a.test"]);
  writePrivate(paths.cert, a.cert);
  writePrivate(paths.key, b.key);
  expect(codeOf(() => readPair(paths))).toBe("certs.pair_invalid");
  writePrivate(paths.key, a.key);
  expect(readPair(paths)).toEqual(a);
});

test("a state file xin did not write is refused by name, JSON or not", () => {
  const paths = fresh();
  expect(readState(paths)).toBeNull();
  writeFileSync(paths.state, "not json");
  expect(codeOf(() => readState(paths))).toBe("certs.state_invalid");
  writeFileSync(paths.state, JSON.stringify({ domains: [] }));
  expect(codeOf(() => readState(paths))).toBe("certs.state_invalid");
});
