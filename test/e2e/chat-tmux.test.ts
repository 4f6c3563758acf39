// `xin chat` in a real terminal (tmux): what is typed is echoed on the prompt line, the answer follows,
// and `/quit` hands the terminal back with the shell's next output on a line of its own.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitReady } from "../support/binary";

const root = join(import.meta.dir, "../..");
const tmuxSocket = `xin-chat-${process.pid}`;
const tmux = (...args: string[]) =>
  Bun.spawnSync(["tmux", "-L", tmuxSocket, ...args], { stdout: "pipe", stderr: "pipe" });
const screen = () => tmux("capture-pane", "-p", "-t", "chat").stdout.toString();
const keys = (...k: string[]) => tmux("send-keys", "-t", "chat", ...k);
const until = async (what: string, check: () => boolean, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
    await Bun.sleep(50);
  }
};

let dir = "";
let port = 0;
let server: Bun.Subprocess | null = null;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "xin-chat-"));
  chmodSync(dir, 0o755); // as root, the embedded PostgreSQL runs as the user xin, who must enter it
  port = freePort();
  const init = Bun.spawnSync(
    [
      process.execPath,
      join(root, "src/cli/main.ts"),
      "init",
      "--yes",
      "--demo",
      "--data-dir",
      join(dir, "data"),
      "--port",
      String(port),
    ],
    { env: { PATH: process.env.PATH ?? "", HOME: dir } },
  );
  expect(init.exitCode, init.stderr.toString()).toBe(0);
  const launcher = join(dir, "chat.sh");
  // No --brand: the demo instance has one brand. After the chat ends, the shell prints a marker.
  writeFileSync(
    launcher,
    `#!/bin/sh\nexport TERM=xterm-256color HOME=${dir}\n${process.execPath} ${join(root, "src/cli/main.ts")} chat --config ${join(dir, "data/xin.toml")}\necho "SHELL-AGAIN exit=$?"\nsleep 30\n`,
    { mode: 0o755 },
  );
  expect(tmux("new-session", "-d", "-s", "chat", "-x", "100", "-y", "30", launcher).exitCode).toBe(0);
});
afterAll(async () => {
  server?.kill("SIGTERM");
  await server?.exited;
  tmux("kill-server");
  rmSync(dir, { recursive: true, force: true });
});

test("typed text is echoed and answered; a xin serve started meanwhile takes the store over; /quit leaves a clean line", async () => {
  await until("the prompt", () => screen().includes("you>"));
  // Named by its name, not its id, though the command was given neither.
  expect(screen()).toContain("chatting with My Brand");
  keys("-l", "Is shipping free?");
  await until("the echo", () => screen().includes("you> Is shipping free?"));
  keys("Enter");
  await until("the answer", () => /My Brand> (answer|escalation)/.test(screen()));
  expect(screen()).toContain("sources");
  await until("the next prompt", () => screen().trimEnd().endsWith("you>"));

  // A server started meanwhile gets the embedded store handed over; the chat goes on through it.
  server = Bun.spawn(
    [process.execPath, join(root, "src/cli/main.ts"), "serve", "--config", join(dir, "data/xin.toml")],
    { env: { PATH: process.env.PATH ?? "", HOME: dir }, stdout: "ignore", stderr: "ignore" },
  );
  await waitReady(`http://127.0.0.1:${port}`, server, 40_000);
  await until("the hand-over note", () => screen().includes("this chat goes on through it"));
  keys("-l", "Do you ship to Austria?");
  keys("Enter");
  await until(
    "an answer through the server",
    () => (screen().match(/My Brand> (answer|escalation)/g) ?? []).length >= 2,
  );
  await until("the next prompt", () => screen().trimEnd().endsWith("you>"));
  keys("-l", "/quit");
  await until("/quit echoed", () => screen().includes("you> /quit"));
  keys("Enter");
  await until("the shell again", () => screen().includes("SHELL-AGAIN"));
  const lines = screen().split("\n");
  expect(lines.find((l) => l.includes("SHELL-AGAIN"))).toBe("SHELL-AGAIN exit=0");
}, 60_000);
