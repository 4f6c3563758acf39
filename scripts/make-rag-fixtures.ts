// Writes the binary knowledge fixtures (PDF, DOCX) under test/fixtures/knowledge/ from code, so
// they are reproducible and reviewable: `bun scripts/make-rag-fixtures.ts`. The outputs are
// committed; tests read the files, not this script.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildDocx, buildPdf } from "../test/support/knowledge-fixtures";

const out = join(import.meta.dir, "..", "test", "fixtures", "knowledge");

writeFileSync(
  join(out, "warranty.pdf"),
  buildPdf(
    [
      [
        "Warranty Terms",
        "",
        "Every Acme kettle carries a two year warranty from the date of purchase.",
        "Keep your receipt as proof of purchase.",
      ],
      [
        "Claims",
        "",
        "To claim, email support with your order number and a photo of the fault.",
        "Repairs are free within the warranty period.",
      ],
    ],
    "Acme Warranty",
  ),
);
writeFileSync(
  join(out, "returns.docx"),
  buildDocx([
    ["Returns Policy", "Heading1"],
    ["You may return any unused item within 30 days for a full refund."],
    ["Damaged items", "Heading2"],
    ["Send us a photo of the damage and we ship a replacement at no cost."],
  ]),
);
console.log(`wrote fixtures to ${out}`);
