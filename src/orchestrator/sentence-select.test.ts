import { describe, expect, test } from "bun:test";
import { analyzerFor, queryTerms } from "../rag";
import { cleanUnit, selectUnits, unitsOf, unitsWithLines } from "./sentence-select";

const en = analyzerFor("en");
const pick = (question: string, text: string): string | null => {
  const units = unitsOf(text);
  const wanted = new Set(queryTerms(en, question));
  const sel = selectUnits(en, wanted, units);
  return sel ? units.slice(sel.start, sel.end + 1).join(" ") : null;
};

const CONTAINERS =
  "Containers (dimensions, capacity, and load capacity)\n20-foot container: volume of 28m2. Average capacity with packaging of 3-5 tons of furniture.\n" +
  "40-foot container: volume of 62m2. Average capacity with packaging of 5-8 tons of furniture.\n40-foot high cube container: volume of 72m2.";

describe("sentence selection", () => {
  test("the right number next to the right term: the 40-foot line, not the 20-foot one", () => {
    const answer = pick("How many tons fit in a 40-foot container?", CONTAINERS);
    expect(answer).toContain("5-8 tons");
    expect(answer).not.toContain("3-5 tons");
  });

  test("a term every unit shares weighs less than the one that tells them apart", () => {
    const answer = pick("What is the volume of the 20-foot container?", CONTAINERS);
    expect(answer).toStartWith("20-foot container: volume of 28m2.");
    expect(answer).not.toContain("62m2");
  });

  test("questions inside the passage are never part of the answer; a unit that introduces a list brings the list", () => {
    const text =
      "Do you deliver?\nYes, within the city.\nOpening hours:\nMonday – Saturday: 12:00 PM – 8:00 PM\nSunday: 1:00 PM – 7:00 PM";
    expect(pick("Do you deliver?", text)).toBe("Yes, within the city.");
    expect(pick("opening hours", text)).toBe(
      "Opening hours: Monday – Saturday: 12:00 PM – 8:00 PM Sunday: 1:00 PM – 7:00 PM",
    );
  });

  test("the units a selection is widened with count as covered: the reply says them", () => {
    const { units, lines, blocks } = unitsWithLines(
      "Contacts\nYekaterinburg:\nAddress: Malysheva street, 73A\nOpening hours: 11:00 to 19:00\nOwner: D.A.\nContact phones:\n+7 (343) 271-90-09",
    );
    const sel = selectUnits(en, new Set(["phone", "yekaterinburg"]), units, () => 1, lines, blocks);
    expect(units.slice(sel!.start, sel!.end + 1).join(" ")).toContain("Contact phones:");
    expect([...sel!.covered].sort()).toEqual(["phone", "yekaterinburg"]);
  });

  test("a unit with a price answers 'how much does it cost' though it never says 'cost'", () => {
    const text =
      "Single entry business visa: invitation needed.\nBusiness visa (M), single entry, all consular fees included: 12,000 RUB.";
    expect(pick("How much does a single entry business visa cost?", text)).toBe(
      "Business visa (M), single entry, all consular fees included: 12,000 RUB.",
    );
  });

  test("a bare 'Yes.' takes what follows; a title's dot ends no sentence", () => {
    const text =
      "Do you give student discounts?\nYes. Students get 10% off with a valid student card.\nDo you do Invisalign?\nYes. Dr. Okafor offers an Invisalign consultation.";
    expect(pick("Do you give student discounts?", text)).toBe("Yes. Students get 10% off with a valid student card.");
    expect(unitsOf("Yes. Dr. Okafor offers an Invisalign consultation.")).toEqual([
      "Yes.",
      "Dr. Okafor offers an Invisalign consultation.",
    ]);
  });

  test("nothing in common with the question: no selection", () => {
    expect(pick("Do you sell gift cards?", CONTAINERS)).toBeNull();
  });

  test("FAQ and list markers never reach the customer", () => {
    expect(unitsOf("Q: Do you deliver?\nA: Yes, within Abuja only.\n- Cash on delivery is not accepted.")).toEqual([
      "Do you deliver?",
      "Yes, within Abuja only.",
      "Cash on delivery is not accepted.",
    ]);
    expect(cleanUnit("Answer: 4.90 euros, e.g. for letters.")).toBe("4.90 euros, e.g. for letters.");
  });
});

describe("ties inside a paragraph", () => {
  const tied = (question: string, text: string): boolean | undefined => {
    const { units, lines } = unitsWithLines(text);
    return selectUnits(en, new Set(queryTerms(en, question)), units, undefined, lines)?.tied;
  };
  const page =
    "Gift cards come in amounts from $10 to $500 and never expire. Physical cards ship in 2 days. E-gifts arrive by email at once. Balance checks are online. Gift card refunds are possible for unused cards within 30 days.";
  test("a paragraph that covers the question in two separate sentences is tied: no one sentence answers it", () => {
    expect(tied("How do gift cards work?", page)).toBe(true);
    expect(tied("How fast do e-gifts arrive?", page)).toBe(false);
  });
  test("the same terms on separate lines (records, a contact block) are entries, not a tie", () => {
    const block =
      "Rotterdam office\nPhone +31 10 555 2140\nHamburg office\nPhone +49 40 555 8830\nCustoms desk: customs@example.com\nOffice phone for emergencies: +31 10 555 2199";
    expect(tied("What is the phone number of the Hamburg office?", block)).toBe(false);
    expect(unitsWithLines("One. Two.\nThree.").lines).toEqual([0, 0, 1]);
  });
});

test("a run of units never crosses a blank line: the next block is another entry", () => {
  const text =
    "Rotterdam office\nPhone +31 10 555 2140\nMonday to Friday 8:00 to 17:30\n\nHamburg office\nPhone +49 40 555 8830";
  const { units, lines, blocks } = unitsWithLines(text);
  expect(blocks).toEqual([0, 0, 0, 1, 1]);
  expect(lines).toEqual([0, 1, 2, 3, 4]);
  const wanted = new Set(queryTerms(en, "phone Hamburg office"));
  const sel = selectUnits(en, wanted, units, undefined, lines, blocks);
  expect(units.slice(sel!.start, sel!.end + 1).join(" ")).toBe("Hamburg office Phone +49 40 555 8830");
  // The lines that finish a unit's thought join it only inside its block.
  const two = unitsWithLines("Orders ship within 2 days.\n\nReturns are free.");
  const ship = new Set(queryTerms(en, "How fast do orders ship?"));
  const within = selectUnits(en, ship, two.units, undefined, two.lines, two.blocks);
  expect(two.units.slice(within!.start, within!.end + 1)).toEqual(["Orders ship within 2 days."]);
  const across = selectUnits(en, ship, two.units, undefined, two.lines);
  expect(two.units.slice(across!.start, across!.end + 1)).toEqual(["Orders ship within 2 days.", "Returns are free."]);
});
