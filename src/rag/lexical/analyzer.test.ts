import { describe, expect, test } from "bun:test";
import { analyzerFor, createEnglishAnalyzer, createGenericAnalyzer } from "./analyzer";
import { tokenize } from "./tokenize";

describe("tokenize", () => {
  test("splits on punctuation and hyphens, keeps decimals, abbreviations and contractions", () => {
    expect(tokenize("COVID-19 rates fell 3.5% (e.g. in 2,000 cases); don't panic!")).toEqual([
      "covid",
      "19",
      "rates",
      "fell",
      "3.5",
      "e.g",
      "in",
      "2,000",
      "cases",
      "don't",
      "panic",
    ]);
  });

  test("normalises full-width forms and case", () => {
    expect(tokenize("ＡＢＣ Straße")).toEqual(["abc", "straße"]);
  });

  test("CJK runs become overlapping bigrams, a lone ideograph stays whole", () => {
    expect(tokenize("退货政策 和 returns")).toEqual(["退货", "货政", "政策", "和", "returns"]);
  });

  test("Arabic vowel marks are dropped so voweled and plain spellings match", () => {
    expect(tokenize("كِتَاب")).toEqual(tokenize("كتاب"));
    expect(tokenize("كتاب")).toEqual(["كتاب"]);
  });
});

describe("english analyzer", () => {
  const en = createEnglishAnalyzer();

  test("stems with Porter", () => {
    expect(en.analyze("running runs runner's")).toEqual(["run", "run", "runner"]);
    expect(en.analyze("generalization caresses")).toEqual(["gener", "caress"]);
  });

  test("drops stop words", () => {
    expect(en.analyze("The cat is on the mat and it was there")).toEqual(["cat", "mat"]);
  });

  test("keeps non-ASCII words unstemmed", () => {
    expect(en.analyze("Crèmes brûlées")).toEqual(["crèmes", "brûlées"]);
  });

  test("drops absurdly long tokens", () => {
    expect(en.analyze(`id ${"x".repeat(80)} refunds`)).toEqual(["id", "refund"]);
  });
});

describe("analyzerFor", () => {
  test("English tags get the stemming analyzer", () => {
    expect(analyzerFor("en-GB").id).toBe("en-porter-v1");
    expect(analyzerFor("en-GB").analyze("shipping")).toEqual(["ship"]);
  });

  test("unknown languages are tokenized but neither stemmed nor stop-filtered", () => {
    const de = analyzerFor("de");
    expect(de.id).toBe("generic-v1");
    expect(de.language).toBe("de");
    expect(de.analyze("Die Häuser laufen running")).toEqual(["die", "häuser", "laufen", "running"]);
    expect(analyzerFor("ar").analyze("سياسة الإرجاع")).toEqual(["سياسة", "الإرجاع"]);
    expect(createGenericAnalyzer().language).toBe("und");
  });
});
