import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import { XinError } from "../../runtime";
import { describeStep, type Step } from "./plan";

const fail = (step: Step, detail: string, hint?: string) =>
  new XinError("systemd.step_failed", `${describeStep(step)}: ${detail}`, {
    hint: hint ?? "fix the cause and run the same command again: every step is safe to repeat",
  });

const ownerIds = (user: string): { uid: number; gid: number } => {
  const uid = spawnSync("id", ["-u", user], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", user], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0)
    throw new XinError("systemd.user_missing", `the user ${user} does not exist`, {
      hint: `create it: useradd --system --user-group ${user}`,
    });
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
};

/** Writes beside the target and renames over it, so a reader (systemd, a running xin) never sees half a file. */
const writeAtomically = (path: string, write: (tmp: string) => void, mode: number) => {
  const tmp = `${path}.xin-tmp`;
  try {
    write(tmp);
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
};

const waitReady = async (url: string, timeoutMs: number): Promise<string | null> => {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return null;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await Bun.sleep(250);
  }
  return last;
};

/** Runs one step; throws `systemd.step_failed` naming the step and what went wrong. */
export const executeStep = async (step: Step): Promise<void> => {
  switch (step.kind) {
    case "run": {
      // cwd "/": the service user may not be able to enter the caller's folder (/root).
      const r = spawnSync(step.argv[0], step.argv.slice(1), {
        cwd: "/",
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      if (r.error) throw fail(step, r.error.message);
      if (r.status !== 0)
        throw fail(step, `exit ${r.status}: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" / ")}`);
      return;
    }
    case "mkdir": {
      mkdirSync(step.path, { recursive: true, mode: step.mode });
      chmodSync(step.path, step.mode);
      if (step.owner) {
        const { uid, gid } = ownerIds(step.owner);
        chownSync(step.path, uid, gid);
      }
      return;
    }
    case "copy":
      // The target may be the binary systemd runs right now: a rename keeps that process's file intact.
      return writeAtomically(step.to, (tmp) => copyFileSync(step.from, tmp), step.mode);
    case "write":
      return writeAtomically(step.path, (tmp) => writeFileSync(tmp, step.text, { mode: step.mode }), step.mode);
    case "remove":
      rmSync(step.path, { recursive: step.recursive, force: true });
      return;
    case "rmdir-if-empty":
      if (existsSync(step.path) && readdirSync(step.path).length === 0) rmdirSync(step.path);
      return;
    case "wait-ready": {
      const last = await waitReady(step.url, step.timeoutMs);
      if (last) throw fail(step, `not ready: ${last}`, "see why with: journalctl -u xin.service -n 50 --no-pager");
      return;
    }
  }
};

/** Runs steps in order, reporting each before it runs; stops at the first failure. */
export const executePlan = async (steps: Step[], onStep: (line: string, index: number) => void): Promise<void> => {
  for (const [i, step] of steps.entries()) {
    onStep(describeStep(step), i);
    await executeStep(step);
  }
};
