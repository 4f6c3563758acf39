import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XinError } from "../../runtime";
import { loadEvalSet } from "./eval-set";

const root = mkdtempSync(join(tmpdir(), "xin-evalset-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const write = (rel: string, body: unknown) => {
  const path = join(root, rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, typeof body === "string" ? body : JSON.stringify(body));
  return path;
};

const failure = (path: string): XinError => {
  try {
    loadEvalSet(path);
  } catch (e) {
    return e as XinError;
  }
  throw new Error("expected the set to be refused");
};

test("a set folder: questions.json with defaults filled in, docs/ found, named after the folder", () => {
  write("shop/docs/faq.md", "# FAQ\n");
  write("shop/questions.json", {
    answer: [{ q: "Hours?", phrase: "9 am", source: "faq.md", by: "me" }],
    escalate: [{ q: "Refund me" }],
  });
  const set = loadEvalSet(join(root, "shop"));
  expect(set.name).toBe("shop");
  expect(set.docsDir).toBe(join(root, "shop/docs"));
  expect(set.answer[0]).toMatchObject({
    q: "Hours?",
    phrase_alt: [],
    also: [],
    forbid: [],
    source_alt: [],
    or_escalate: false,
    llm: "",
  });
  expect(set.escalate[0]).toMatchObject({ q: "Refund me", why: "", llm: "" });
  expect(set.brand).toEqual({ name: "Eval brand", language: "en", policies: {} });
});

test("an owner's file without docs/ loads by its file name", () => {
  const set = loadEvalSet(
    write("owner/regression.json", {
      brand: { name: "Bäckerei", language: "de" },
      escalate: [{ q: "Storniere meine Bestellung" }],
    }),
  );
  expect(set).toMatchObject({ name: "regression", docsDir: null, brand: { name: "Bäckerei", language: "de" } });
});

test("bad inputs are eval.set_invalid errors that name the file and the problem", () => {
  expect(failure(join(root, "nope.json"))).toMatchObject({ code: "eval.set_invalid", exitCode: 2 });
  expect(failure(join(root, "nope.json")).message).toContain("no such file");
  expect(failure(write("bad/json.json", "{ not json")).code).toBe("eval.set_invalid");
  expect(failure(write("bad/empty.json", { answer: [], escalate: [] })).message).toContain("holds no questions");
  expect(failure(write("bad/nophrase.json", { answer: [{ q: "x", source: "a.md" }] })).message).toContain(
    "answer.0.phrase",
  );
  expect(
    failure(write("bad/regex.json", { answer: [{ q: "x", phrase: "re:(unclosed", source: "a.md" }] })).message,
  ).toContain("bad regular expression");
});

test("the README's example set is a valid set", () => {
  const readme = readFileSync(join(import.meta.dir, "../../../README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Your own regression suite"));
  const example = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  expect(example).toBeDefined();
  const set = loadEvalSet(write("readme/questions.json", example!));
  expect(set.answer.map((i) => i.phrase)).toContain("re:4\\D{1,5}6 working days");
  expect(set.answer.some((i) => i.or_escalate)).toBe(true);
  expect(set.escalate.length).toBeGreaterThan(0);
});
