// Entry compiled by scripts/check-rag-compile.ts: parses every file in the directory given as
// argv[2] with the rag room's parsers, chunks them, indexes them with BM25 and prints one JSON
// line per file plus a search result. Exists only to prove the parsing libraries (htmlparser2,
// unpdf/pdf.js, mammoth, csv-parse, stemmer) work inside a `bun build --compile` executable.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzerFor, Bm25Index, indexText, prepareSource } from "../src/rag";

const dir = process.argv[2];
if (dir === undefined) {
  console.error("usage: rag-compile-entry <samples-dir>");
  process.exit(2);
}
const index = new Bm25Index(analyzerFor("en"));
for (const name of readdirSync(dir).sort()) {
  const prepared = await prepareSource({ source: name, bytes: new Uint8Array(readFileSync(join(dir, name))) });
  if (!prepared.ok) {
    console.log(JSON.stringify({ source: name, ok: false, reason: prepared.reason }));
    continue;
  }
  for (const chunk of prepared.chunks) index.add(`${name}#${chunk.ordinal}`, indexText(chunk));
  console.log(
    JSON.stringify({
      source: name,
      ok: true,
      format: prepared.format,
      chunks: prepared.chunks.length,
      text: prepared.chunks.map((c) => c.text).join(" "),
    }),
  );
}
console.log(JSON.stringify({ search: index.search("running descaling kettles", 3) }));
