import { describe, expect, test } from "bun:test";
import { analyzerFor } from "./analyzer";
import { Bm25Index } from "./bm25-index";
import { queryTerms, stripQueryFiller } from "./query-words";

describe("query filler words", () => {
  test("English interrogatives, auxiliaries, pronouns and politeness carry no weight", () => {
    expect(queryTerms(analyzerFor("en"), "What is your WeChat id?")).toEqual(["wechat", "id"]);
    expect(queryTerms(analyzerFor("en"), "Can you please tell me how I can cancel my order?")).toEqual([
      "cancel",
      "order",
    ]);
    expect(queryTerms(analyzerFor("en"), "What's your phone number?")).toEqual(["phone", "number"]);
    // Third-party pronouns, prepositions and the time of asking: the reply carries the subject, not these.
    expect(queryTerms(analyzerFor("en"), "How do I use wishlists and share them?")).toEqual([
      "us",
      "wishlist",
      "share",
    ]);
    expect(queryTerms(analyzerFor("en"), "What are the entry conditions for China right now?")).toEqual([
      "entri",
      "condit",
      "china",
      "right",
    ]);
    // A phrasal verb's particle: the verb carries it.
    expect(queryTerms(analyzerFor("en"), "When does my refund show up?")).toEqual(["refund", "show"]);
  });

  test("German: the same for German question words (the generic analyzer has no stop list of its own)", () => {
    expect(queryTerms(analyzerFor("de"), "Wie lange dauert der Versand nach Österreich, bitte?")).toEqual([
      "dauert",
      "versand",
      "nach",
      "österreich",
    ]);
    expect(queryTerms(analyzerFor("de-AT"), "Können Sie mir sagen, was das kostet?")).toEqual(["kostet"]);
    expect(queryTerms(analyzerFor("de"), "Habt ihr glutenfreies Brot für meine Tochter?")).toEqual([
      "glutenfreies",
      "brot",
      "tochter",
    ]);
  });

  test("words that matter stay: negations, and a word that merely contains a filler word", () => {
    expect(queryTerms(analyzerFor("en"), "Don't you ship on weekends?")).toEqual(["don't", "ship", "weekend"]);
    expect(stripQueryFiller("en", "whatever showcase")).toBe("whatever showcase");
  });

  test("a question of filler only keeps its terms; a language without a list keeps everything", () => {
    expect(queryTerms(analyzerFor("en"), "Who are you?")).toEqual(["who", "you"]);
    expect(stripQueryFiller("fr", "Quels sont vos horaires ?")).toBe("Quels sont vos horaires ?");
  });

  test("ranking: the short passage with the asked-about words beats a long one full of question words", () => {
    const en = analyzerFor("en");
    const index = new Bm25Index(en);
    index.add(
      "faq",
      "What do you do? What can you do for your clients? How do we help you? You can ask what you want, when you want.",
    );
    index.add("contacts", "WeChat: dima_tri. Telegram and WhatsApp.");
    expect(index.searchTerms(en.analyze("What is your WeChat id, what can you do?"), 1)[0]?.id).toBe("faq");
    expect(index.searchTerms(queryTerms(en, "What is your WeChat id, what can you do?"), 1)[0]?.id).toBe("contacts");
  });
});

describe("light frame words", () => {
  test("generic verbs and negations of a question's frame are light; what a shop question asks about is not", async () => {
    const { isLightQueryTerm } = await import("./query-words");
    const en = analyzerFor("en");
    for (const word of ["accept", "included", "arrives", "compared", "can't"])
      expect({ word, light: isLightQueryTerm("en", en.analyze(word)[0]) }).toEqual({ word, light: true });
    for (const word of ["sell", "buy", "deliver", "cancel"])
      expect({ word, light: isLightQueryTerm("en", en.analyze(word)[0]) }).toEqual({ word, light: false });
    expect(isLightQueryTerm("de", "akzeptiert")).toBe(true);
  });
});

describe("values that answer question words", () => {
  test("a price answers cost words, a time of day opening words; per language", async () => {
    const { termsAnsweredBy } = await import("./query-words");
    expect(termsAnsweredBy("en", "Business visa (M): 12,000 RUB")).toContain("cost");
    expect(termsAnsweredBy("en", "Apostille: 19,000 rubles")).toContain("cost");
    expect(termsAnsweredBy("en", "Rubles are accepted")).not.toContain("cost");
    expect(termsAnsweredBy("en", "Sunday: 1:00 PM – 7:00 PM")).toContain("open");
    // A time of day answers when something starts, leaves or ends ("When does the city tour start?").
    expect(termsAnsweredBy("en", "City tour: daily at 10:00, three hours.")).toEqual(
      expect.arrayContaining(["start", "leav", "depart", "end"]),
    );
    expect(termsAnsweredBy("de", "Laugenbrezel: 0,95 €")).toContain("kostet");
    expect(termsAnsweredBy("de", "Samstag 7 Uhr bis 13 Uhr")).toContain("geöffnet");
    expect(termsAnsweredBy("en", "Points: 100 points = £1 off your next order.")).toContain("worth");
    expect(termsAnsweredBy("en", "E-gift cards are emailed within 1 hour of purchase.")).toContain("fast");
    expect(termsAnsweredBy("en", "Delivery within 3 days.")).not.toContain("cost");
    expect(termsAnsweredBy("en", "Delivery is free.")).toEqual([]);
    expect(termsAnsweredBy("fr", "Prix: 5 €")).toEqual([]);
  });

  test("a figure given as a lower bound answers minimum words; a time of day or a bare figure does not", async () => {
    const { termsAnsweredBy } = await import("./query-words");
    expect(termsAnsweredBy("en", "Delivery loads from 10 kg in 2-3 weeks")).toContain("minimum");
    expect(termsAnsweredBy("en", "Price: $15/m3, but not less than $45 per batch.")).toContain("minimum");
    expect(termsAnsweredBy("en", "Rentals last at least 2 days.")).toContain("least");
    expect(termsAnsweredBy("en", "Open from 9:00 to 18:00")).not.toContain("minimum");
    expect(termsAnsweredBy("en", "Open from 9 am")).not.toContain("minimum");
    expect(termsAnsweredBy("en", "Loads of 10 kg")).not.toContain("minimum");
  });
});
