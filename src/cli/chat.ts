import type { Command } from "commander";
import { createInterface } from "node:readline/promises";
import { askOnStore, type AskResult, type Turn } from "../app";
import { askViaApi, renderAsk, type AskFlags } from "./ask";
import { cliLogger, configFrom } from "./context";
import { viaServerOrStore, type HandOver } from "./with-store";

/** Keeps the last turns only: what the pipeline's history budget would keep anyway. */
const MAX_TURNS = 20;

/**
 * A terminal conversation with the brand's assistant through the same pipeline as customers: every
 * answer shows its sources and guardrail decisions. An escalation is shown as such (with its draft),
 * and the chat goes on as if an agent had taken note: nothing is stored or sent. `/reset` forgets the
 * history; `/quit` or Ctrl+D ends.
 */
type Ask = (question: string, history: readonly Turn[]) => Promise<AskResult>;

const converse = async (ask: Ask, brand: string): Promise<void> => {
  // Lines are read as an async stream, so piped input (a script of questions) is buffered, not lost
  // while an answer is being computed.
  // In a terminal readline draws the prompt and echoes what is typed (it needs the output stream for
  // that); piped input is echoed below so a transcript reads like a conversation.
  const tty = Boolean(process.stdin.isTTY);
  const rl = createInterface({ input: process.stdin, output: tty ? process.stdout : undefined, terminal: tty });
  rl.setPrompt("you> ");
  const prompt = () => {
    process.stdout.write("\n");
    if (tty) rl.prompt();
    else process.stdout.write("you> ");
  };
  process.stdout.write(`chatting with ${brand} — /reset forgets the conversation, /quit ends\n`);
  let history: Turn[] = [];
  prompt();
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === "/quit" || line === "/exit") return;
      if (line === "/reset") {
        history = [];
        process.stdout.write("(conversation forgotten)\n");
      } else if (line) {
        if (!process.stdin.isTTY) process.stdout.write(`${line}\n`);
        const result = await ask(line, history);
        process.stdout.write(`\n${brand}> ${renderAsk(result).replace(/\n/g, "\n  ")}\n`);
        history.push({ role: "customer", text: line });
        if (result.outcome === "answer" && result.reply) history.push({ role: "assistant", text: result.reply });
        history = history.slice(-MAX_TURNS);
      }
      prompt();
    }
  } finally {
    rl.close();
    // Ctrl+D ends on the prompt's line: the shell's prompt goes on a line of its own.
    if (tty) process.stdout.write("\n");
  }
};

export const chatCommand = (program: Command) =>
  program
    .command("chat")
    .description("talk to a brand's assistant in the terminal, with its sources and guardrail decisions")
    .option("--brand <brand>", "brand id, slug or name (default: the only brand)")
    .option("--tenant <tenant>", "tenant id or name, when the brand name is not unique")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .action(async (opts: AskFlags) => {
      const config = configFrom(opts.config);
      const log = cliLogger();
      await viaServerOrStore<void>(
        config,
        log,
        {
          api: (client) => converse(askViaApi(client, opts.brand), opts.brandName ?? opts.brand),
          store: async (store, handOver) =>
            converse(
              await handingOver(await askOnStore(store, config, log, opts), handOver, opts.brand),
              opts.brandName ?? opts.brand,
            ),
        },
        { brand: opts, handsOver: true },
      );
    });

/**
 * Asks on the store until a starting `xin serve` wants the data dir: then the store is handed over as
 * soon as no question is using it, and the next questions go to that server once it answers.
 */
const handingOver = async (onStore: Ask, handOver: HandOver, brand: string): Promise<Ask> => {
  let inFlight: Promise<unknown> = Promise.resolve();
  const state: { viaServer: Ask | null; handedOver: Promise<void> | null } = { viaServer: null, handedOver: null };
  handOver.onRequest(() => {
    state.handedOver ??= (async () => {
      await inFlight.catch(() => {});
      await handOver.release();
      process.stdout.write("\n(xin serve is starting: this chat goes on through it)\n");
    })();
  });
  return async (question, history) => {
    if (state.handedOver) {
      await state.handedOver;
      if (!state.viaServer) {
        await untilServing(handOver.client);
        state.viaServer = askViaApi(handOver.client, brand);
      }
      return state.viaServer(question, history);
    }
    const asked = onStore(question, history);
    inFlight = asked;
    return asked;
  };
};

/** Waits for the server that took the store over to answer its API (it may still be migrating). */
const untilServing = async (client: HandOver["client"], timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.get("/api/v1/status");
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await Bun.sleep(200);
    }
  }
};
