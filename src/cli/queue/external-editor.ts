import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Opens `text` in the user's editor and returns what they saved (null when the editor failed). The
 * TUI hands the terminal over: raw mode off while the editor runs, a full clear after, so ink redraws
 * on a clean screen. The file lives in a private temp dir and is removed afterwards.
 */
export const externalEditor =
  (editor: string, stdin: NodeJS.ReadStream) =>
  (text: string): string | null => {
    const dir = mkdtempSync(join(tmpdir(), "xin-reply-"));
    const file = join(dir, "reply.txt");
    writeFileSync(file, text, { mode: 0o600 });
    const raw = stdin.isTTY && stdin.isRaw;
    if (raw) stdin.setRawMode(false);
    try {
      const [cmd, ...args] = editor.split(/\s+/).filter(Boolean);
      let exitCode: number | null;
      try {
        exitCode = Bun.spawnSync([cmd, ...args, file], {
          stdin: "inherit",
          stdout: "inherit",
          stderr: "inherit",
        }).exitCode;
      } catch {
        exitCode = null; // no such editor: the inline text stays as it was
      }
      return exitCode === 0 ? readFileSync(file, "utf8").replace(/\n+$/, "") : null;
    } finally {
      if (raw) stdin.setRawMode(true);
      process.stdout.write("\x1b[2J\x1b[H");
      rmSync(dir, { recursive: true, force: true });
    }
  };
