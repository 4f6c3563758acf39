// The ingest-time injection check over real document folders: which passages it would hold back,
// and how fast it reads (it runs once per passage at ingest, never on the respond path).
//
//   bun scripts/bench-quarantine.ts DIR... [--poisoned a.md,b.html,...]   (files under DIR, parsed and chunked as `xin ingest` does)
//   bun scripts/bench-quarantine.ts --jsonl FILE.jsonl                   (BEIR-style {title,text} lines: false flags on plain prose)
//
// With --poisoned (file names known to carry instructions for the assistant) it reports how many of
// them have a passage held back and how many other files do (false flags); every held passage is
// printed with its reasons and the sentence found.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { detectInjection, prepareSource } from "../src/rag";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args.splice(i, 2)[1];
};
const poisoned = new Set((flag("--poisoned") ?? "").split(",").filter(Boolean));
const jsonl = flag("--jsonl");
const walk = (d: string): string[] =>
  readdirSync(d)
    .sort()
    .flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));

const started = performance.now();
let chars = 0;
if (jsonl) {
  const lines = readFileSync(jsonl, "utf8").split("\n").filter(Boolean);
  let flagged = 0;
  for (const line of lines) {
    const doc = JSON.parse(line) as { title?: string; text?: string };
    const text = `${doc.title ?? ""}\n${doc.text ?? ""}`;
    chars += text.length;
    const finding = detectInjection(text);
    if (finding) {
      flagged++;
      console.log(`held  ${finding.reasons.join(",")}  "${finding.evidence.slice(0, 140)}"`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      documents: lines.length,
      flagged,
      mb: +(chars / 1e6).toFixed(2),
      seconds: +seconds.toFixed(2),
      mb_per_s: +(chars / 1e6 / seconds).toFixed(2),
    }),
  );
} else {
  const tally = {
    files: 0,
    chunks: 0,
    held: 0,
    poisoned_caught: 0,
    poisoned_missed: [] as string[],
    other_files_flagged: [] as string[],
  };
  for (const file of args.flatMap(walk)) {
    const bytes = new Uint8Array(readFileSync(file));
    const prepared = await prepareSource({ source: file, bytes });
    if (!prepared.ok) continue;
    tally.files++;
    chars += prepared.chunks.reduce((n, c) => n + c.text.length, 0);
    const held = prepared.chunks.filter((c) => c.quarantine);
    tally.chunks += prepared.chunks.length;
    tally.held += held.length;
    for (const c of held)
      console.log(
        `held  ${file} passage ${c.ordinal}/${prepared.chunks.length}  ${c.quarantine!.reasons.join(",")}  "${c.quarantine!.evidence.slice(0, 120)}"`,
      );
    const isPoisoned = poisoned.has(basename(file));
    if (isPoisoned && held.length > 0) tally.poisoned_caught++;
    else if (isPoisoned) tally.poisoned_missed.push(file);
    else if (held.length > 0) tally.other_files_flagged.push(file);
  }
  console.log(JSON.stringify({ ...tally, seconds: +((performance.now() - started) / 1000).toFixed(2) }));
}
