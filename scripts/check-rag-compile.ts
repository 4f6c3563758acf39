// Proves that every ingest parser works inside the compiled executable, away from node_modules:
//   bun scripts/check-rag-compile.ts
// 1. copies one sample of each format into a temp dir, 2. compiles scripts/rag-compile-entry.ts
// with the release flags (no .env/bunfig autoload), 3. copies the binary alone into an empty temp
// dir, 4. runs it there on the samples and checks each format's expected text. Exit 1 on failure.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

const root = join(import.meta.dir, "..");
const fixtures = join(root, "test", "fixtures", "knowledge");
// File → a phrase that only a working parser for that format can produce.
const EXPECTED: Record<string, string> = {
  "shipping.md": "Orders over $50 ship free with standard delivery.",
  "opening-hours.txt": "open Monday to Saturday from 9 am to 7 pm.",
  "care.html": "Descale your kettle every month",
  "warranty.pdf": "Every Acme kettle carries a two year warranty",
  "returns.docx": "You may return any unused item within 30 days",
  "faq.csv": "Which payment methods do you accept?\nVisa, Mastercard",
  "faq.tsv": "Do you ship to Switzerland?\nYes, with customs duties",
  "products.json": "name: Travel kettle",
  "support.jsonl": "The water tastes of plastic\nBoil and discard",
};

const work = mkdtempSync(join(tmpdir(), "xin-rag-compile-"));
const samples = join(work, "samples");
const build = join(work, "build");
const run = join(work, "run");
try {
  for (const d of [samples, build, run]) Bun.spawnSync(["mkdir", "-p", d]);
  for (const name of Object.keys(EXPECTED)) copyFileSync(join(fixtures, name), join(samples, name));
  copyFileSync(join(fixtures, "broken.pdf"), join(samples, "broken.pdf"));

  const started = performance.now();
  const result = await Bun.build({
    entrypoints: [join(root, "scripts", "rag-compile-entry.ts")],
    compile: { outfile: join(build, "rag-check"), autoloadDotenv: false, autoloadBunfig: false },
  });
  if (!result.success) throw new Error(`compile failed:\n${result.logs.join("\n")}`);
  copyFileSync(join(build, "rag-check"), join(run, "rag-check"));
  Bun.spawnSync(["chmod", "+x", join(run, "rag-check")]);
  const compileSeconds = (performance.now() - started) / 1000;

  const proc = Bun.spawnSync([join(run, "rag-check"), samples], { cwd: run, env: { PATH: "/usr/bin:/bin" } });
  const stdout = proc.stdout.toString();
  if (proc.exitCode !== 0) throw new Error(`binary exited ${proc.exitCode}: ${proc.stderr.toString()}`);
  const Line = z.union([
    z.object({ source: z.string(), ok: z.literal(true), format: z.string(), chunks: z.number(), text: z.string() }),
    z.object({ source: z.string(), ok: z.literal(false), reason: z.string() }),
    z.object({ search: z.array(z.object({ id: z.string(), score: z.number() })) }),
  ]);
  const lines = stdout
    .trim()
    .split("\n")
    .map((l) => Line.parse(JSON.parse(l)));
  const problems: string[] = [];
  for (const [name, phrase] of Object.entries(EXPECTED)) {
    const line = lines.find((l) => "source" in l && l.source === name);
    if (!line || !("ok" in line) || !line.ok)
      problems.push(`${name}: not parsed (${line && "reason" in line ? line.reason : "missing"})`);
    else if (!line.text.includes(phrase)) problems.push(`${name}: expected text missing`);
  }
  const broken = lines.find((l) => "source" in l && l.source === "broken.pdf");
  if (!broken || !("ok" in broken) || broken.ok) problems.push("broken.pdf: should fail with a reason");
  const search = lines.find((l) => "search" in l);
  if (!search || !("search" in search) || search.search.length === 0) problems.push("search returned nothing");
  console.log(
    JSON.stringify({
      binary_bytes: Bun.file(join(run, "rag-check")).size,
      compile_seconds: Number(compileSeconds.toFixed(2)),
      run_dir_files: readdirSync(run),
      formats_ok: Object.keys(EXPECTED).length - problems.length,
      problems,
    }),
  );
  if (problems.length > 0) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
