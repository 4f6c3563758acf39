import { describe, expect, test } from "bun:test";
import { analyzerFor } from "../rag";
import { knowledgeAnswer } from "./kb-answer";
import type { Passage } from "./types";

const en = analyzerFor("en");
const passage = (n: number, source: string, title: string, text: string, url?: string): Passage => ({
  n,
  chunk_id: `${source}#0`,
  source,
  title,
  heading: "",
  text,
  score: 1,
  ...(url ? { url } : {}),
});

const SHIPPING = passage(
  1,
  "shipping.md",
  "Shipping",
  "Orders within Germany arrive in 2 to 3 working days. Shipping to Austria takes 4 to 6 working days.",
);
const RETURNS = passage(
  2,
  "returns.md",
  "Returns",
  "You can return unworn items within 30 days of delivery. Refunds are paid within 5 days.",
);
const FAQ = passage(1, "faq.txt", "faq.txt", "Q: Do you deliver to Gwarinpa?\nA: Yes, we deliver within Abuja.");

describe("knowledge answer", () => {
  test("FAQ prefixes and file names are never shown; attribution defaults to none", () => {
    const a = knowledgeAnswer(en, "Do you deliver to Gwarinpa?", [FAQ]);
    expect(a?.text).toBe("Yes, we deliver within Abuja.");
    expect(a?.used.map((p) => p.source)).toEqual(["faq.txt"]);
  });

  test("attribution: title shows the document title (never a bare file name), url a crawled page's address", () => {
    expect(knowledgeAnswer(en, "How long does shipping to Austria take?", [SHIPPING], "title")?.text).toEndWith(
      "\n\n(Source: Shipping)",
    );
    expect(knowledgeAnswer(en, "Do you deliver to Gwarinpa?", [FAQ], "title")?.text).toBe(
      "Yes, we deliver within Abuja.",
    );
    const crawled = passage(
      1,
      "https://shop.example/shipping",
      "Shipping",
      SHIPPING.text,
      "https://shop.example/shipping",
    );
    expect(knowledgeAnswer(en, "How long does shipping to Austria take?", [crawled], "url")?.text).toEndWith(
      "(Source: https://shop.example/shipping)",
    );
    expect(knowledgeAnswer(en, "How long does shipping to Austria take?", [SHIPPING], "url")?.text).toEndWith(
      "(Source: Shipping)",
    );
  });

  test("a multi-part question: each part answered, from the next passage if need be", () => {
    const a = knowledgeAnswer(
      en,
      "How long does shipping to Austria take and how many days do I have to return items?",
      [SHIPPING, RETURNS],
    );
    expect(a?.text).toContain("4 to 6 working days");
    expect(a?.text).toContain("within 30 days of delivery");
    expect(a?.used.map((p) => p.source)).toEqual(["shipping.md", "returns.md"]);
    expect(a?.coverage).toBeGreaterThan(0.5);
  });

  test("a multi-part question with a part nothing covers has no answer (escalate), not half of one", () => {
    expect(
      knowledgeAnswer(en, "How long does shipping to Austria take, and what does gift wrapping cost?", [
        SHIPPING,
        RETURNS,
      ]),
    ).toBeNull();
  });

  test("coverage says how much of the question the answer carries", () => {
    expect(knowledgeAnswer(en, "How long does shipping to Austria take?", [SHIPPING])?.coverage).toBe(1);
    expect(knowledgeAnswer(en, "Do you ship to Mars?", [SHIPPING])?.coverage).toBe(0.5);
  });
});

describe("knowledge answer with the backend's term weights", () => {
  test("a rare word the answer lacks weighs more than a common word it has", () => {
    const idf = new Map([
      ["ship", 0.2],
      ["mar", 3],
    ]);
    const weighted = knowledgeAnswer(en, "Do you ship to Mars?", [SHIPPING], "none", (t) => idf.get(t) ?? 1);
    expect(weighted?.coverage).toBeCloseTo(0.2 / 3.2, 6);
    expect(knowledgeAnswer(en, "Do you ship to Mars?", [SHIPPING])?.coverage).toBe(0.5);
  });
});

describe("rival documents", () => {
  const ours = passage(1, "contacts.txt", "contacts.txt", "Opening hours: Monday to Friday from 11:00 to 19:00.");
  const consulate = {
    ...passage(2, "consulate.csv", "consulate.csv", "Consulate hours: open four times a week from 9:30 to 12:00."),
    score: 0.8,
  };
  test("another document answering as well with other facts: no answer (which one is meant is unknown)", () => {
    // Not asked of the business ("your"): its own contact page is one answer among others (see the own contact page test).
    expect(knowledgeAnswer(en, "What are the opening hours?", [ours, consulate])).toBeNull();
    expect(knowledgeAnswer(en, "What are the opening hours?", [ours])?.text).toContain("11:00 to 19:00");
  });
  test("a far weaker match, a rival saying the same figures, or another passage of the same document is no rival", () => {
    expect(knowledgeAnswer(en, "What are your opening hours?", [ours, { ...consulate, score: 0.3 }])?.text).toContain(
      "11:00",
    );
    const same = {
      ...passage(2, "about.md", "about.md", "Our opening hours are 11:00 to 19:00, Monday to Friday."),
      score: 0.9,
    };
    expect(knowledgeAnswer(en, "What are your opening hours?", [ours, same])?.text).toContain("11:00");
    expect(
      knowledgeAnswer(en, "What are your opening hours?", [ours, { ...consulate, source: "contacts.txt" }])?.text,
    ).toContain("11:00");
  });
  test("a document whose title names what is asked is not rivalled by one that only mentions it", () => {
    const refunds = passage(
      1,
      "returns.md",
      "Return and refund policies",
      "Refunds are processed within 3-5 business days after the return arrives.",
    );
    const payments = {
      ...passage(
        2,
        "payments.md",
        "Payment methods",
        "Refund processing times vary: 5-7 business days for cards, 1-2 days for wallets.",
      ),
      score: 0.9,
    };
    const idf = new Map([
      ["refund", 2.5],
      ["process", 1.2],
      ["take", 0.3],
    ]);
    const weight = (t: string) => idf.get(t) ?? 1;
    expect(
      knowledgeAnswer(en, "How long do refunds take to process?", [refunds, payments], "none", weight)?.text,
    ).toContain("within 3-5 business days");
    // Neither title names it: which one is meant stays unknown.
    expect(
      knowledgeAnswer(
        en,
        "How long do refunds take to process?",
        [{ ...refunds, title: "Returns" }, payments],
        "none",
        weight,
      ),
    ).toBeNull();
  });
});

describe("key terms from the answer itself", () => {
  const students: Passage = {
    ...passage(
      1,
      "students-and-schools.md",
      "students-and-schools.md",
      "Yes: students get 10% off with a UNiDAYS code. Verify with UNiDAYS and enter the code at checkout.",
    ),
    heading: "Students, schools and libraries › Student discount",
  };
  const idf = new Map([
    ["school", 2.4],
    ["discount", 2.9],
    ["student", 2.4],
  ]);
  const weight = (t: string) => idf.get(t) ?? 1;
  test("a key term only the title or a parent heading carries: no answer", () => {
    expect(knowledgeAnswer(en, "Do schools get a discount?", [students], "none", weight)).toBeNull();
    expect(knowledgeAnswer(en, "Do students get a discount?", [students], "none", weight)?.text).toContain("10% off");
  });
  test("the section's own heading counts as the answer's text", () => {
    const schools: Passage = {
      ...students,
      heading: "Students, schools and libraries › Schools discount",
      text: "Yes: 15% off orders over £200, paid by invoice.",
    };
    expect(knowledgeAnswer(en, "Do schools get a discount?", [schools], "none", weight)?.text).toContain("15% off");
  });
});

describe("a key term answered elsewhere", () => {
  const idf = new Map([
    ["apostil", 4.7],
    ["urgent", 3.4],
    ["price", 2.1],
    ["legal", 2],
    ["document", 1.5],
  ]);
  const weight = (t: string) => idf.get(t) ?? 1;
  const legalization = passage(
    1,
    "legalization.csv",
    "legalization.csv",
    "Document legalization, urgent: 3 working days. Price: 28,000 RUB per document.",
  );
  const apostille = {
    ...passage(
      2,
      "main-page.txt",
      "main-page.txt",
      "Apostille for documents: 19,000 rubles in 8 working days, 30,000 rubles urgent in 3 working days.",
    ),
    score: 0.4,
  };
  test("the answer lacks the question's key term that a passage matching as well carries: that passage answers (the best one never does)", () => {
    expect(
      knowledgeAnswer(
        en,
        "Urgent apostille of a document in 3 working days, price?",
        [legalization, apostille],
        "none",
        weight,
      )?.text,
    ).toBe(apostille.text);
  });
  test("a passage that carries the term but matches little else does not count", () => {
    const stray = { ...passage(2, "news.txt", "news.txt", "Apostille rules changed in 2019."), score: 0.4 };
    expect(
      knowledgeAnswer(
        en,
        "Urgent apostille of a document in 3 working days, price?",
        [legalization, stray],
        "none",
        weight,
      )?.text,
    ).toContain("28,000");
  });
});

test("a paragraph about the whole question in several sentences gives no one-sentence answer", () => {
  const page = passage(
    1,
    "help.md",
    "Help",
    "Gift cards come in amounts from $10 to $500 and never expire. Physical cards ship in 2 days. E-gifts arrive by email at once. Gift card refunds are possible for unused cards within 30 days.",
  );
  expect(knowledgeAnswer(en, "How do gift cards work?", [page])).toBeNull();
  expect(knowledgeAnswer(en, "How fast do e-gifts arrive?", [page])?.text).toContain("at once");
  // Titled with what is asked, the page is about it as a whole: its lead answers.
  const titled = {
    ...page,
    text: `${page.text} ${"Balances show in your account. ".repeat(12)}`,
    heading: "Gift cards",
  };
  expect(knowledgeAnswer(en, "How do gift cards work?", [titled])?.text).toStartWith(
    "Gift cards come in amounts from $10 to $500 and never expire.",
  );
});

describe("FAQ entries", () => {
  const faq = passage(
    1,
    "faq.csv",
    "faq.csv",
    "Do you offer Invisalign?\nYes. Dr. Amara Okafor offers Invisalign clear aligners. Start with a free 20-minute Invisalign consultation to see whether it is suitable for you.\nDo you offer whitening?\nYes, home whitening with custom trays.",
  );
  test("an FAQ answer is sent whole (up to the next question), not its best sentence alone", () => {
    const a = knowledgeAnswer(en, "Do you do Invisalign?", [faq]);
    expect(a?.text).toBe(
      "Yes. Dr. Amara Okafor offers Invisalign clear aligners. Start with a free 20-minute Invisalign consultation to see whether it is suitable for you.",
    );
  });
  test("an answer longer than a reply is still cut to its best units", () => {
    const long = passage(
      1,
      "faq.csv",
      "faq.csv",
      `Do you offer Invisalign?\nYes, we offer Invisalign aligners. ${"Other treatments are listed on the price page. ".repeat(14)}`,
    );
    const text = knowledgeAnswer(en, "Do you do Invisalign?", [long])?.text ?? "";
    expect(text).toStartWith("Yes, we offer Invisalign aligners.");
    expect(text.length).toBeLessThan(300);
  });
  test("an FAQ entry asked as the customer asks is no guess between documents; a rival that is no FAQ match still is for prose", () => {
    const nhs = passage(
      1,
      "faq.csv",
      "faq.csv",
      "Do you offer NHS treatment?\nNo. All treatment at Brightside is private.",
    );
    const prices = {
      ...passage(
        2,
        "price-list-2026.html",
        "Price list 2026",
        "These prices apply from 1 January 2026. All treatments are private; we do not offer NHS treatment.",
      ),
      score: 0.6,
    };
    expect(knowledgeAnswer(en, "Do you do NHS treatment?", [nhs, prices])?.text).toBe(
      "No. All treatment at Brightside is private.",
    );
    const prose = passage(
      1,
      "about.md",
      "about.md",
      "Brightside is a private practice. NHS treatment is available on Mondays.",
    );
    expect(knowledgeAnswer(en, "Do you do NHS treatment?", [prose, prices])).toBeNull();
  });
});

test("an FAQ answer matched only through its question, which asks about something else, is no answer", () => {
  const furniture = passage(
    1,
    "tour-faq.txt",
    "tour-faq.txt",
    "How much should you expect to pay for furniture?\nThe amount you spend depends on many factors, most often between $50,000 and $100,000.",
  );
  expect(knowledgeAnswer(en, "When do I pay for the visa?", [furniture])).toBeNull();
  expect(knowledgeAnswer(en, "How much should I expect to pay for furniture?", [furniture])?.text).toContain("$50,000");
  const sundays = passage(1, "faq.txt", "faq.txt", "Do you deliver on Sundays?\nYes, from 10:00 to 16:00.");
  expect(knowledgeAnswer(en, "Do you deliver?", [sundays])).toBeNull();
});

test("a question the document's title answers as a whole gets the lead of a long section, not a sentence repeating its words", () => {
  const page: Passage = {
    ...passage(
      1,
      "doc04.md",
      "doc04.md",
      [
        "Shoplite accepts credit cards, debit cards, PayPal and bank transfers in selected regions.",
        "All payment processing complies with PCI DSS Level 1 security standards.",
        "Shoplite Pay allows users to store payment methods securely for faster checkout.",
        "The platform supports installment payments through third-party providers for purchases over $200.",
        "Refund processing times vary by payment method: 3-5 business days for credit cards and 1-2 days for Shoplite Pay.",
        "Users can manage saved payment methods in their account settings with the ability to set default preferences.",
        "Payment security features include tokenization, 3D Secure authentication and real-time fraud detection.",
      ].join(" "),
    ),
    heading: "Payment Methods and Security",
  };
  const text = knowledgeAnswer(en, "What payment methods are secure?", [page])?.text ?? "";
  expect(text).toStartWith("Shoplite accepts credit cards, debit cards, PayPal");
  expect(text.length).toBeLessThanOrEqual(300);
  // A question about one detail still gets the sentence that answers it.
  expect(knowledgeAnswer(en, "Can I pay in installments?", [page])?.text).toContain("installment payments");
});

test("the best passage lacking the value asked for: a passage further down covering all of the question answers", () => {
  const faq = passage(
    1,
    "faq.txt",
    "faq.txt",
    "Q: Do you rent bikes for children?\nA: Yes, children's bikes for ages 6 to 12 and child seats for up to 22 kg.",
  );
  const prices = {
    ...passage(2, "prices.json", "prices.json", "Bikes, City bike, one day: €14\nExtras, Child seat, one day: €3"),
    score: 0.5,
  };
  expect(knowledgeAnswer(en, "How much is a child seat?", [faq, prices])?.text).toBe("Extras, Child seat, one day: €3");
  expect(knowledgeAnswer(en, "How much is a child seat?", [faq])).toBeNull();
  // Covering only part of the question there is not enough: no answer.
  const partial = { ...prices, text: "Bikes, City bike, one day: €14\nExtras, seat cover: €3" };
  expect(knowledgeAnswer(en, "How much is a child seat?", [faq, partial])).toBeNull();
});

describe("the document about the subject, rivals that say the same, the passage that has what is lacking", () => {
  test("a document whose title names the key terms answers over a better-ranked one that only mentions them, led by its first sentence", () => {
    const seller = passage(
      1,
      "seller.md",
      "Seller Account Setup",
      "Seller registration needs a business name and tax number. Seller tiers include Basic (free with 8% commission) and Professional.",
    );
    const fees = {
      ...passage(
        2,
        "fees.md",
        "Commission and Fee Structure",
        "The commission model varies by category: Electronics (5%), Clothing (8%), Books (10%). Volume discounts are available for sellers, with commission rates reduced by 1-2%.",
      ),
      score: 0.9,
    };
    const idf = new Map([
      ["seller", 0.6],
      ["commiss", 2.1],
      ["rate", 1.2],
    ]);
    const weight = (t: string) => idf.get(t) ?? 1;
    const a = knowledgeAnswer(en, "What are seller commission rates?", [seller, fees], "none", weight);
    expect(a?.text).toBe(
      "The commission model varies by category: Electronics (5%), Clothing (8%), Books (10%). Volume discounts are available for sellers, with commission rates reduced by 1-2%.",
    );
    expect(a?.used.map((p) => p.source)).toEqual(["fees.md"]);
    // Ranked far below, it is no candidate: the two stay rivals.
    expect(
      knowledgeAnswer(en, "What are seller commission rates?", [seller, { ...fees, score: 0.3 }], "none", weight)
        ?.used[0].source,
    ).toBe("seller.md");
  });

  test("a rival saying the same thing without figures is no rival; one saying it with a negation still is", () => {
    const table = passage(
      1,
      "visas.csv",
      "visas.csv",
      "Document delivery options: courier delivery or the S7 flying envelope service.",
    );
    const page = {
      ...passage(
        2,
        "main-page.txt",
        "main-page.txt",
        "You can send the documents by express mail or the flying envelope of S7.",
      ),
      score: 0.9,
    };
    // "accept" is a light frame word (a quarter, as the backend's weights make it).
    const weight = (t: string) => (t === "accept" ? 0.25 : 1);
    expect(
      knowledgeAnswer(en, "Do you accept a flying envelope via S7?", [table, page], "none", weight)?.used[0].source,
    ).toBe("visas.csv");
    const refusing = { ...page, text: "We do not accept the flying envelope of S7 any more." };
    expect(
      knowledgeAnswer(en, "Do you accept a flying envelope via S7?", [table, refusing], "none", weight),
    ).toBeNull();
  });

  test("a passage carrying the key term the best one lacks, and more of the question, answers instead", () => {
    const idf = new Map([
      ["send", 4.1],
      ["document", 1.5],
      ["ural", 4.4],
      ["airlin", 3.9],
    ]);
    const weight = (t: string) => idf.get(t) ?? 1;
    const table = passage(
      1,
      "visas.csv",
      "visas.csv",
      "Document delivery options: courier delivery or airline envelopes (S7, Ural Airlines).",
    );
    const page = {
      ...passage(
        2,
        "main-page.txt",
        "main-page.txt",
        "You can send the documents by express mail or the flying envelope of Ural Airlines.",
      ),
      score: 0.9,
    };
    expect(knowledgeAnswer(en, "Can I send documents by Ural Airlines?", [table, page], "none", weight)?.text).toBe(
      page.text,
    );
    // What it says must still be the only answer: a third document saying otherwise keeps it a guess.
    const other = {
      ...passage(3, "old.txt", "old.txt", "Send the documents with Ural Airlines cargo for 5,000 RUB."),
      score: 0.9,
    };
    expect(
      knowledgeAnswer(en, "Can I send documents by Ural Airlines?", [table, page, other], "none", weight),
    ).toBeNull();
  });
});

test("a multi-part question: the best passage's rivals are those answering its own part, not the passage answering the other part", () => {
  const idf = new Map([
    ["return", 1.8],
    ["polici", 1.5],
    ["track", 1.8],
    ["order", 0.7],
  ]);
  const weight = (t: string) => idf.get(t) ?? 1;
  const returns = passage(
    1,
    "returns.md",
    "Return and Refund Policies",
    "Our return policy: a 30-day return window for most items. Returns start from your order history.",
  );
  const tracking = {
    ...passage(
      2,
      "tracking.md",
      "Order Tracking",
      "Tracking details are emailed after order confirmation; track orders and returns in your account.",
    ),
    score: 0.7,
  };
  const a = knowledgeAnswer(
    en,
    "What is the return policy and how do I track orders?",
    [returns, tracking],
    "none",
    weight,
  );
  expect(a?.text).toContain("30-day return window");
  expect(a?.text).toContain("track orders and returns in your account");
  // A second returns document with other figures still rivals the first part.
  const other = {
    ...passage(
      3,
      "returns-old.md",
      "Return Policy",
      "Our return policy: a 14-day return window for most items; returns start from your order history.",
    ),
    score: 0.9,
  };
  expect(
    knowledgeAnswer(
      en,
      "What is the return policy and how do I track orders?",
      [returns, other, tracking],
      "none",
      weight,
    ),
  ).toBeNull();
});

test("asked for a price, a passage without one is neither a rival nor the answer elsewhere", () => {
  const idf = new Map([
    ["export", 3.4],
    ["clearanc", 3.2],
    ["price", 2.1],
    ["servic", 2.8],
  ]);
  const weight = (t: string) => idf.get(t) ?? 1;
  const table = passage(
    1,
    "cost-table.csv",
    "cost-table.csv",
    "Export clearance: loading, export documents, port handling. Price: $1100 per container.",
  );
  const faq = {
    ...passage(
      2,
      "tour-faq.txt",
      "tour-faq.txt",
      "You can use our customs clearance services or clear your export cargo yourself.",
    ),
    score: 0.8,
  };
  expect(
    knowledgeAnswer(en, "What is the export clearance price for your services?", [table, faq], "none", weight)?.text,
  ).toContain("$1100");
  // A second table with another price still makes it a guess.
  const other = {
    ...passage(
      2,
      "cost-table-old.csv",
      "cost-table-old.csv",
      "Export clearance services: documents and port handling. Price: $900 per container.",
    ),
    score: 0.9,
  };
  expect(
    knowledgeAnswer(en, "What is the export clearance price for your services?", [table, other], "none", weight),
  ).toBeNull();
});

test("isValueWord: the question words a kind of value answers", async () => {
  const { isValueWord } = await import("../rag");
  expect(["cost", "price", "open"].map((t) => isValueWord("en", t))).toEqual([true, true, true]);
  expect(isValueWord("en", "clearanc")).toBe(false);
  expect(isValueWord("de", "kostet")).toBe(true);
  expect(isValueWord("xx", "cost")).toBe(false);
});

test("the best passage lacking the question's key term: a lower one with that term and all the best one covers answers", () => {
  const idf = new Map([
    ["apostil", 4.7],
    ["cost", 1.5],
  ]);
  const weight = (t: string) => idf.get(t) ?? 1;
  const furniture = passage(
    1,
    "tour-cost.txt",
    "tour-cost.txt",
    "Payment methods: cash in dollars or yuan; the tour cost is paid in China.",
  );
  const apostille = {
    ...passage(
      2,
      "main-page.txt",
      "main-page.txt",
      "Apostille for China: 19,000 rubles for 8 working days. The cost is per document.",
    ),
    score: 0.4,
  };
  expect(
    knowledgeAnswer(en, "How much does an apostille cost?", [furniture, apostille], "none", weight)?.used[0].source,
  ).toBe("main-page.txt");
  // One that has the term but not what the best one covered (here the price) does not take over.
  const bare = { ...apostille, text: "Apostille for China is possible at our office." };
  expect(knowledgeAnswer(en, "How much does an apostille cost?", [furniture, bare], "none", weight)).toBeNull();
});

test("what a message states only as context weighs a quarter in what the answer must cover", () => {
  const cakes = passage(1, "cakes.md", "Cakes", "Order wedding cakes at least 3 weeks ahead, in the shop or by phone.");
  const asked = knowledgeAnswer(en, "When must we order the wedding cake?", [cakes]);
  const stated = knowledgeAnswer(en, "We are getting married in June. When must we order the wedding cake?", [cakes]);
  expect(stated?.text).toBe(asked?.text);
  // order, wedding, cake covered; married and june missing: 3 of 5 at full weight, 3 of 3.5 at a quarter.
  expect(stated?.coverage).toBeCloseTo(3 / 3.5, 6);
  // …and so does a question's own lead clause about the customer, up to its comma.
  const clause = knowledgeAnswer(en, "we are getting married in june, when must we order the wedding cake?", [cakes]);
  expect(clause?.text).toBe(asked?.text);
  expect(clause?.coverage).toBeCloseTo(3 / 3.5, 6);
  // Not a lead naming the subject: "wedding cakes" asked about in the lead clause is asked.
  expect(
    knowledgeAnswer(en, "wedding cakes, birthday cakes, when must I order them?", [cakes])?.coverage ?? 0,
  ).toBeLessThan(1);
});
test("a list question on the document about it: the document's lead goes before the one sentence its words picked", () => {
  const text =
    "Sellers can manage inventory from the dashboard. Inventory features include low stock alerts and variant tracking. Bulk editing updates many listings at once. Seasonal inventory planning tools help sellers forecast demand.";
  const doc = passage(1, "inventory.md", "Inventory Management for Sellers", text);
  const listed = knowledgeAnswer(en, "What inventory tools do sellers have?", [doc]);
  expect(listed?.text).toContain("low stock alerts");
  expect(listed?.text).toEndWith("Seasonal inventory planning tools help sellers forecast demand.");
  // One fact asked: the sentence alone.
  expect(knowledgeAnswer(en, "Do sellers have inventory planning tools?", [doc])?.text).toBe(
    "Seasonal inventory planning tools help sellers forecast demand.",
  );
  // A document whose title names none of it: the sentence alone.
  const other = passage(1, "misc.md", "Miscellaneous", text);
  expect(knowledgeAnswer(en, "What planning tools do sellers have?", [other])?.text).toBe(
    "Seasonal inventory planning tools help sellers forecast demand.",
  );
});

test("asked for your hours, the business's own contact page answers over another organisation's hours ranked above it", () => {
  const consulate = {
    ...passage(1, "visas.csv", "visas.csv", "Chinese Consulate – hours: Open 4 times a week from 9:30 to 12:00."),
    score: 8,
  };
  const own = {
    ...passage(
      2,
      "contacts.txt",
      "contacts.txt",
      "Address: Main street 7\nOpening hours: Monday - Friday from 11:00 to 19:00",
    ),
    score: 5,
  };
  const theirs = {
    ...passage(
      2,
      "consulate-contacts.txt",
      "consulate-contacts.txt",
      "Opening hours: Monday - Friday from 10:00 to 18:00",
    ),
    score: 5,
  };
  const a = knowledgeAnswer(en, "What are your opening hours?", [consulate, own]);
  expect(a?.text).toContain("11:00 to 19:00");
  expect(a?.used.map((p) => p.source)).toEqual(["contacts.txt"]);
  // Not addressed to the business: the two hours rival each other (escalate).
  expect(knowledgeAnswer(en, "What are the opening hours?", [consulate, own])).toBeNull();
  // Another organisation's contact page is not the business's own.
  expect(knowledgeAnswer(en, "What are your opening hours?", [consulate, theirs])).toBeNull();
  // Not asked for contact details, the about page is no better than another document that says otherwise.
  const about = passage(
    1,
    "about.md",
    "about.md",
    "Brightside is a private practice. NHS treatment is available on Mondays.",
  );
  const prices = {
    ...passage(2, "prices.html", "Price list", "All treatments are private; we do not offer NHS treatment."),
    score: 0.6,
  };
  expect(knowledgeAnswer(en, "Do you do NHS treatment?", [about, prices])).toBeNull();
});

test("asked for your office address, the premises word only says you: the contact page's address answers without it", () => {
  const contacts = passage(
    1,
    "contacts.txt",
    "contacts.txt",
    "Yekaterinburg:\nAddress: Malysheva street, 73A\nOpening hours: Monday - Friday from 11:00 to 19:00",
  );
  const offices = {
    ...passage(2, "offices.md", "offices.md", "Our partner office in Moscow handles Japanese visas."),
    score: 0.6,
  };
  const idf = new Map([
    ["offic", 3],
    ["address", 2.75],
    ["yekaterinburg", 3.9],
  ]);
  const weight = (t: string) => idf.get(t) ?? 1;
  const a = knowledgeAnswer(en, "Where is your office address in Yekaterinburg?", [contacts, offices], "none", weight);
  expect(a?.text).toContain("Malysheva street, 73A");
  expect(a?.coverage).toBeCloseTo((2.75 + 3.9) / (0.75 + 2.75 + 3.9), 6);
  // Not asked of the business: "office" is what the question is about, and the page lacks it.
  expect(
    knowledgeAnswer(en, "Where is the office address in Yekaterinburg?", [contacts, offices], "none", weight)
      ?.coverage ?? 0,
  ).toBeLessThan(a!.coverage);
});

test("asked for your WeChat id, the contact line's value is the id: the line answers", () => {
  const contacts = passage(
    1,
    "contacts.txt",
    "contacts.txt",
    "Contact phones:\n+7 (343) 271-90-09\nFind us on:\nWhatsApp\nWeChat: dima_tri",
  );
  const idf = new Map([
    ["wechat", 4.7],
    ["id", 3.5],
  ]);
  const weight = (t: string) => idf.get(t) ?? 1;
  // The own contact page's "WeChat: dima_tri" is the id itself: covered.
  expect(knowledgeAnswer(en, "What is your WeChat id?", [contacts], "none", weight)?.coverage).toBeCloseTo(1, 6);
  expect(knowledgeAnswer(en, "What is the WeChat id?", [contacts], "none", weight)?.coverage).toBeCloseTo(
    4.7 / (4.7 + 3.5),
    6,
  );
});

test("asked for your phone number, the contact page's numbers are the number: it answers over a form field that says the words", () => {
  const field = {
    ...passage(1, "form.csv", "form.csv", "Emergency contact person: Full name, relation, phone number."),
    score: 17,
  };
  const contacts = {
    ...passage(2, "contacts.txt", "contacts.txt", "Contact phones:\n+7 (343) 271-90-09\n+7 (912) 244-37-23"),
    score: 12,
  };
  const idf = new Map([
    ["contact", 3.2],
    ["phone", 2.9],
    ["number", 2.8],
  ]);
  const weight = (t: string) => idf.get(t) ?? 1;
  const a = knowledgeAnswer(
    en,
    "How can I contact you? What's your phone contact number?",
    [field, contacts],
    "none",
    weight,
  );
  expect(a?.text).toContain("+7 (343) 271-90-09");
  expect(a?.used.map((p) => p.source)).toEqual(["contacts.txt"]);
  // Not asked of the business: the form field is the best match and the contact page only rivals it.
  expect(
    knowledgeAnswer(en, "What is the contact phone number?", [field, contacts], "none", weight)?.used.map(
      (p) => p.source,
    ) ?? [],
  ).not.toEqual(["contacts.txt"]);
});

test("asked for a minimum, a figure given as a lower bound answers it over a sentence that only repeats the question's words", () => {
  const text =
    "Delivery loads from 10 kg in 2-3 weeks\nList of our services:\n\n•We can also take over the delivery of goods under our contract.\n•We provide a warehouse in China for cargo consolidation";
  const cargo = { ...passage(1, "cargo.txt", "cargo.txt", text), heading: "Cargo delivery" };
  const a = knowledgeAnswer(en, "What is the minimum cargo delivery and how long does it take?", [cargo]);
  expect(a?.text).toContain("from 10 kg in 2-3 weeks");
  expect(a?.text).not.toContain("take over");
});
