// Proves the llm room (the `openai` SDK) works inside the compiled executable, away from node_modules:
//   bun scripts/check-llm-compile.ts
// 1. starts the OpenAI fake on loopback (first chat request scripted to 429, so a retry runs too),
// 2. compiles scripts/llm-compile-entry.ts with the release flags (no .env/bunfig autoload),
// 3. copies the binary alone into an empty temp dir, 4. runs it there against the fake and checks
// chat, stream, embeddings and error mapping, and what the fake received. Exit 1 on failure.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { rateLimited, startOpenAIFake } from "../test/support/fakes/openai";

const root = join(import.meta.dir, "..");
const KEY = "sk-compile-check-0123456789";
const fake = startOpenAIFake({ apiKey: KEY, models: ["gpt-fake", "emb-fake"], embeddingDimensions: 16 });
fake.script(rateLimited({ retryAfterMs: 20 }), (r) => r.path === "/v1/chat/completions");

const work = mkdtempSync(join(tmpdir(), "xin-llm-compile-"));
const build = join(work, "build");
const run = join(work, "run");
try {
  for (const d of [build, run]) mkdirSync(d);
  const started = performance.now();
  const result = await Bun.build({
    entrypoints: [join(root, "scripts", "llm-compile-entry.ts")],
    compile: { outfile: join(build, "llm-check"), autoloadDotenv: false, autoloadBunfig: false },
  });
  if (!result.success) throw new Error(`compile failed:\n${result.logs.join("\n")}`);
  copyFileSync(join(build, "llm-check"), join(run, "llm-check"));
  Bun.spawnSync(["chmod", "+x", join(run, "llm-check")]);
  const compileSeconds = (performance.now() - started) / 1000;

  // Spawned asynchronously: the fake answers from this process's event loop.
  const proc = Bun.spawn([join(run, "llm-check"), fake.baseUrl, KEY], {
    cwd: run,
    env: { PATH: "/usr/bin:/bin" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`binary exited ${code}: ${stderr}`);
  const out = z
    .object({
      chat: z.string(),
      retried_attempts: z.number(),
      deltas: z.number(),
      streamed: z.string(),
      vectors: z.array(z.number()),
      rejected: z.string(),
    })
    .parse(JSON.parse(stdout.trim()));
  const problems: string[] = [];
  if (out.chat !== "echo: compiled hello") problems.push(`chat answered ${JSON.stringify(out.chat)}`);
  if (out.retried_attempts !== 2) problems.push(`the scripted 429 was not retried (attempts ${out.retried_attempts})`);
  if (out.deltas < 2 || out.streamed !== "echo: compiled hello")
    problems.push(`stream gave ${out.deltas} deltas, ${JSON.stringify(out.streamed)}`);
  if (out.vectors.join() !== "16,16,16") problems.push(`embeddings gave ${out.vectors.join()}`);
  if (out.rejected !== "llm.rejected") problems.push(`wrong key mapped to ${out.rejected}`);
  const paths = fake.requests.map((r) => r.path);
  const expectedPaths = [
    "/v1/chat/completions",
    "/v1/chat/completions",
    "/v1/chat/completions",
    "/v1/embeddings",
    "/v1/embeddings",
    "/v1/chat/completions",
  ];
  if (paths.join() !== expectedPaths.join()) problems.push(`fake saw ${paths.join()}`);
  if (fake.chatRequests()[2]?.body?.stream !== true) problems.push("stream request was not streamed");
  console.log(
    JSON.stringify({
      binary_bytes: Bun.file(join(run, "llm-check")).size,
      compile_seconds: Number(compileSeconds.toFixed(2)),
      run_dir_files: readdirSync(run),
      requests: paths.length,
      problems,
    }),
  );
  if (problems.length > 0) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
  await fake.stop();
}
