import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveTarget } from "./queue-command";
import { externalEditor } from "./queue/external-editor";

afterEach(() => {
  delete process.env.XIN_URL;
  delete process.env.XIN_TOKEN;
});

const localConfig = () => {
  const dir = mkdtempSync(join(tmpdir(), "xin-queue-cfg-"));
  const file = join(dir, "xin.toml");
  writeFileSync(
    file,
    `data_dir = "${dir}"\ninstance_key = "queue-test-instance-key-0123456789abcdef"\nadmin_token = "local-admin"\n[server]\nhost = "0.0.0.0"\nport = 7411\n`,
  );
  return file;
};

test("flags win over XIN_URL/XIN_TOKEN, which win over the local config; nothing at all is a usage error", () => {
  const config = localConfig();
  expect(resolveTarget({ config })).toEqual({ url: "http://127.0.0.1:7411", token: "local-admin" });
  process.env.XIN_URL = "https://xin.example.com";
  process.env.XIN_TOKEN = "env-token";
  expect(resolveTarget({ config })).toEqual({ url: "https://xin.example.com", token: "env-token" });
  expect(resolveTarget({ config, url: "http://10.0.0.2:8080", token: "flag-token" })).toEqual({
    url: "http://10.0.0.2:8080",
    token: "flag-token",
  });
  delete process.env.XIN_URL;
  delete process.env.XIN_TOKEN;
  expect(() => resolveTarget({ config: "/nonexistent/xin.toml" })).toThrow("xin queue needs a server and a token");
});

test("$EDITOR gets the reply in a private file and what it saves comes back", () => {
  const dir = mkdtempSync(join(tmpdir(), "xin-editor-"));
  const editor = join(dir, "fake-editor.sh");
  // A stand-in editor: appends a line to the file it is given, as a user would.
  writeFileSync(editor, '#!/bin/sh\nprintf "\\nsigned, Alice\\n" >> "$1"\n', { mode: 0o755 });
  const stdin = { isTTY: false } as NodeJS.ReadStream;
  expect(externalEditor(editor, stdin)("Your refund is on its way.")).toBe("Your refund is on its way.\nsigned, Alice");
  expect(externalEditor(join(dir, "missing-editor"), stdin)("x")).toBeNull();
});
