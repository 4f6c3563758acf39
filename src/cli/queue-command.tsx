import type { Command } from "commander";
import { appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { usageError, XinError } from "../runtime";
import { clientEnv } from "../runtime/config";
import { localBaseUrl } from "./client";
import { configFrom } from "./context";
import { externalEditor } from "./queue/external-editor";
import { queueApi } from "./queue/queue-api";

type QueueOpts = { url?: string; token?: string; config?: string; sla: string; poll: string };

/** Flags, then XIN_URL/XIN_TOKEN, then the local server's config (its address and admin token). */
export const resolveTarget = (opts: Pick<QueueOpts, "url" | "token" | "config">): { url: string; token: string } => {
  const env = clientEnv();
  let url = opts.url ?? env.url;
  let token = opts.token ?? env.token;
  if (!url || !token) {
    try {
      const config = configFrom(opts.config);
      url ??= localBaseUrl(config.server.host, config.server.port);
      token ??= config.admin_token;
    } catch (cause) {
      if (!(cause instanceof XinError)) throw cause;
    }
  }
  if (!url || !token)
    throw usageError(
      "xin queue needs a server and a token",
      "pass --url and --token, set XIN_URL and XIN_TOKEN, or run it where `xin init` wrote a config",
    );
  return { url, token };
};

/**
 * While ink renders, nothing else may write to the terminal: console output from any library goes to
 * a log file instead (the same reason opencode logs to a file).
 */
const quietConsole = (file: string) => {
  const sink =
    (level: string) =>
    (...args: unknown[]) =>
      appendFileSync(
        file,
        `${JSON.stringify({ ts: new Date().toISOString(), level, msg: args.map(String).join(" ") })}\n`,
      );
  for (const level of ["log", "info", "warn", "error", "debug"] as const) console[level] = sink(level);
};

export const queueCommand = (program: Command) =>
  program
    .command("queue")
    .description("the escalation queue for human agents: approve, edit or write replies, take over, hand back")
    .option("--url <url>", "server address (default: XIN_URL, else the local server)")
    .option("--token <token>", "agent or admin token (default: XIN_TOKEN, else the local admin token)")
    .option("--config <file>", "config file of a local server")
    .option("--sla <minutes>", "waiting time after which an escalation shows red", "15")
    .option("--poll <ms>", "how often the list refreshes", "2000")
    .action(async (opts: QueueOpts) => {
      const { url, token } = resolveTarget(opts);
      const sla = Number(opts.sla);
      const poll = Number(opts.poll);
      if (!(sla > 0) || !(poll >= 200)) throw usageError("--sla must be > 0 minutes and --poll at least 200 ms");
      if (!process.stdin.isTTY)
        throw usageError(
          "xin queue needs an interactive terminal",
          "run it in a terminal (or tmux), not with redirected input",
        );
      quietConsole(join(tmpdir(), `xin-queue-${process.getuid?.() ?? "user"}.log`));
      // Loaded here, not at the top: ink and React cost every other command (and `serve`) start-up time.
      const [{ render }, { QueueApp }] = await Promise.all([import("ink"), import("./queue/app")]);
      // `interactive`: live even when CI is set in the environment (ink would otherwise render only at
      // exit); on a terminal `xin queue` is always an interactive program.
      const app = render(
        <QueueApp
          api={queueApi(url, token)}
          pollMs={poll}
          slaMinutes={sla}
          openExternal={externalEditor(clientEnv().editor, process.stdin)}
        />,
        {
          exitOnCtrlC: true,
          patchConsole: false,
          interactive: Boolean(process.stdout.isTTY),
        },
      );
      await app.waitUntilExit();
    });
