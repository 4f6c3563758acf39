import { afterEach, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { claimInstance } from "./instance-claim";
import { acquireInstanceLock, lockHolder } from "./instance-lock";

const dir = () => mkdtempSync(join(tmpdir(), "xin-lock-"));
const stat = (pid: number) => {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0], started: fields[19] };
};
const writeLock = (dataDir: string, pid: number, started: string, command = "serve") =>
  writeFileSync(join(dataDir, "xin.lock"), `${pid}\n${started}\n${command}\n`);

const parents: Bun.Subprocess[] = [];
afterEach(() => {
  for (const p of parents.splice(0)) p.kill("SIGKILL");
});

/**
 * A zombie: a shell starts a child, then becomes `sleep` (exec), which never reaps it; the child exits
 * after the exec (so the shell cannot reap it first) — what a `kill -9`ed xin is until its parent (a
 * wrapper, a shell) collects it.
 */
const zombie = async (): Promise<number> => {
  const parent = Bun.spawn(["sh", "-c", "sleep 0.3 & echo $!; exec sleep 30"], { stdout: "pipe" });
  parents.push(parent);
  const reader = parent.stdout.getReader();
  const pid = Number(new TextDecoder().decode((await reader.read()).value).trim());
  reader.releaseLock();
  for (let i = 0; i < 500 && stat(pid).state !== "Z"; i++) await Bun.sleep(10);
  expect(stat(pid).state).toBe("Z");
  return pid;
};

describe("instance lock", () => {
  test("a live holder blocks a second lock with instance.locked; released, it can be taken again", () => {
    const d = dir();
    const release = acquireInstanceLock(d, "serve");
    expect(lockHolder(d)).toEqual({ pid: process.pid, command: "serve" });
    expect(() => acquireInstanceLock(d, "cli")).toThrow(expect.objectContaining({ code: "instance.locked" }));
    release();
    acquireInstanceLock(d, "cli")();
  });

  test("a lock whose pid is gone, or reused by a process started later, is taken over", () => {
    const d = dir();
    writeLock(d, 2 ** 22 + 12345, "1"); // above pid_max: no such process
    expect(lockHolder(d)).toBeNull();
    acquireInstanceLock(d, "serve")();
    writeLock(d, process.pid, "1"); // our pid, another start time: the pid was reused
    expect(lockHolder(d)).toBeNull();
    acquireInstanceLock(d, "serve")();
  });

  test("a killed xin that is still a zombie (pid and start time match, state Z) does not block a restart", async () => {
    const d = dir();
    const pid = await zombie();
    writeLock(d, pid, stat(pid).started);
    expect(lockHolder(d)).toBeNull();
    const release = acquireInstanceLock(d, "serve");
    expect(readFileSync(join(d, "xin.lock"), "utf8").split("\n")[0]).toBe(String(process.pid));
    release();
  });
});

describe("instance claim", () => {
  test("the owner id is made once per data dir and kept across restarts", () => {
    const d = dir();
    const first = claimInstance(d, "serve", { required: true });
    expect(first.owner).toMatch(/^inst_[0-9a-z]{22}$/);
    first.release();
    const second = claimInstance(d, "serve", { required: true });
    expect(second.owner).toBe(first.owner);
    second.release();
    expect(existsSync(join(d, "xin.lock"))).toBe(false);
  });

  test("a data dir copied to another folder (or server) gets its own owner id; the original keeps its", () => {
    const d = dir();
    const original = claimInstance(d, "serve", { required: true });
    original.release();
    const copy = dir();
    copyFileSync(join(d, "instance-id"), join(copy, "instance-id"));
    const copied = claimInstance(copy, "serve", { required: true });
    expect(copied.owner).toMatch(/^inst_[0-9a-z]{22}$/);
    expect(copied.owner).not.toBe(original.owner);
    copied.release();
    const again = claimInstance(d, "serve", { required: true });
    expect(again.owner).toBe(original.owner);
    again.release();
    // A file from before places were kept (the id alone) is adopted, and its place written.
    const legacy = dir();
    writeFileSync(join(legacy, "instance-id"), `${original.owner}\n`);
    const adopted = claimInstance(legacy, "serve", { required: true });
    expect(adopted.owner).toBe(original.owner);
    adopted.release();
    expect(readFileSync(join(legacy, "instance-id"), "utf8")).toContain(`\nat `);
  });

  test("while another live process holds the lock: required is instance.locked; optional gets no owner (no proof)", () => {
    const d = dir();
    const held = claimInstance(d, "serve", { required: true });
    expect(() => claimInstance(d, "serve", { required: true })).toThrow(
      expect.objectContaining({ code: "instance.locked" }),
    );
    const optional = claimInstance(d, "serve", { required: false });
    expect(optional.owner).toBeNull();
    optional.release(); // releases nothing: the holder's lock stays
    expect(lockHolder(d)?.pid).toBe(process.pid);
    held.release();
  });
});
