import type { Command } from "commander";
import { findWidgetBrand, widgetSnippet, type WidgetBrand, type WidgetSnippet } from "../app";
import type { Logger } from "../runtime";
import type { Config } from "../runtime/config";
import { cliLogger, configFrom } from "./context";
import { report } from "./output";
import { viaServerOrStore } from "./with-store";

const human = (s: WidgetSnippet): string =>
  [
    `Paste this before </body> on every page of your site (${s.title}):`,
    "",
    `  ${s.snippet}`,
    "",
    `Try it first: ${s.demo_url}`,
    ...(s.base_url.startsWith("http://localhost") ? ["Note: server.public_url is not set, so this snippet only works on this machine."] : []),
  ].join("\n");

/** Resolves the brand through the running server when there is one, else on the store. */
export const readWidgetSnippet = async (config: Config, ref: string, log: Logger): Promise<WidgetSnippet> => {
  const brand = await viaServerOrStore<WidgetBrand>(config, log, {
    api: (client) => client.get<WidgetBrand>(`/widget/site?brand=${encodeURIComponent(ref)}`),
    store: (store) => findWidgetBrand(store, config, ref),
  });
  return widgetSnippet(config, brand);
};

export const widgetCommand = (program: Command) => {
  const widget = program.command("widget").description("the web chat widget");
  widget
    .command("snippet")
    .description("print the ready-to-paste <script> snippet for a brand's chat widget")
    .requiredOption("--brand <brand>", "brand id or slug")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document")
    .action(async (opts: { brand: string; config?: string; json?: boolean }) => {
      const config = configFrom(opts.config);
      report(await readWidgetSnippet(config, opts.brand, cliLogger()), opts, human);
    });
  return widget;
};
