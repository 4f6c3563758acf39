import { expect, test } from "bun:test";
import { MAX_PIECE, PieceCutter } from "./piece-cutter";
import { parseReply } from "./prompt";

/** Feeds `text` in chunks of `size` characters (as a model would) and returns every piece cut. */
const cut = (text: string, size = 3): string[] => {
  const cutter = new PieceCutter();
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(...cutter.push(text.slice(i, i + size)));
  return pieces;
};

test("whole sentences are cut once whitespace follows them; the last sentence is held for the end", () => {
  const text = "Shipping takes 4 to 6 days. It is free over 50 euros! Anything else?";
  for (const size of [1, 3, 7, text.length]) {
    expect(cut(text, size)).toEqual(["Shipping takes 4 to 6 days.", " It is free over 50 euros!"]);
  }
});

test("pieces are cleaned as the stored reply is, and add up to a prefix of it", () => {
  const text =
    "Answer: Orders arrive in 2 to 3 days [1]. Returns are free [2, 3].\n\n\n\n- Refunds take 5 days [2].\nThanks!";
  const pieces = cut(text, 2);
  expect(pieces).toEqual(["Orders arrive in 2 to 3 days.", " Returns are free.", "\n\n- Refunds take 5 days."]);
  const stored = parseReply(text).text;
  expect(stored.startsWith(pieces.join(""))).toBe(true);
  expect(stored.slice(pieces.join("").length)).toBe("\nThanks!");
});

test("a dot inside a number, an address or a domain is no sentence end", () => {
  expect(cut("The parcel weighs 4.5 kg and ships from shop.example.com today")).toEqual([]);
  expect(cut("Write to help@shop.example. We answer fast. Bye")).toEqual([
    "Write to help@shop.example.",
    " We answer fast.",
  ]);
});

test("a reply opening with a quote is not streamed: whether the quote stays is known only at the end", () => {
  expect(cut('"Ships in 2 days. Free over 50 euros." she said. Ok')).toEqual([]);
});

test("an endless sentence is cut between lowercase words only, never inside digits or capitals", () => {
  const long = `${"we ship wool ".repeat(Math.ceil(MAX_PIECE / 13))}to you at DE89 3704 0044 0532 0130 00 and more text follows here`;
  const pieces = cut(long, 5);
  expect(pieces.length).toBeGreaterThan(0);
  for (const p of pieces) {
    expect(p.length).toBeLessThanOrEqual(MAX_PIECE + 1);
    expect(p).toMatch(/\p{Ll}$/u);
  }
  // Text handed out that reaches the IBAN holds all of it: no cut point lies between its groups.
  const joined = pieces.join("");
  expect(!joined.includes("DE89") || joined.includes("DE89 3704 0044 0532 0130 00")).toBe(true);
  const digitsOnly = "1234 ".repeat(80);
  expect(cut(digitsOnly)).toEqual([]);
});
