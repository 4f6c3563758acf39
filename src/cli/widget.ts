import type { Command } from "commander";
import { findWidgetBrand, widgetSnippet, type WidgetBrand, type WidgetSnippet } from "../app";
import type { Logger } from "../runtime";
import type { Config } from "../runtime/config";
import { cliLogger, configFrom } from "./context";
import { report } from "./output";
import { viaServerOrStore, type BrandFlags } from "./with-store";

const human = (s: WidgetSnippet): string =>
  [
    `Paste this before </body> on every page of your site (${s.title}):`,
    "",
    `  ${s.snippet}`,
    "",
    `Try it first: ${s.demo_url}`,
    ...(s.base_url.startsWith("http://localhost")
      ? ["Note: server.public_url is not set, so this snippet only works on this machine."]
      : []),
  ].join("\n");

/** Resolves the brand (id, slug or name; the only one by default) through the running server when there is one, else on the store. */
export const readWidgetSnippet = async (config: Config, flags: BrandFlags, log: Logger): Promise<WidgetSnippet> => {
  const brand = await viaServerOrStore<WidgetBrand>(
    config,
    log,
    {
      api: (client) => client.get<WidgetBrand>(`/widget/site?brand=${encodeURIComponent(flags.brand ?? "")}`),
      store: (store) => findWidgetBrand(store, config, flags.brand ?? ""),
    },
    { brand: flags },
  );
  return widgetSnippet(config, brand);
};

export const widgetCommand = (program: Command) => {
  const widget = program.command("widget").description("the web chat widget");
  widget
    .command("snippet")
    .description("print the ready-to-paste <script> snippet for a brand's chat widget")
    .option("--brand <brand>", "brand id, slug or name (default: the only brand)")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document")
    .option("--tenant <tenant>", "tenant id or name, when the brand name is not unique")
    .action(async (opts: BrandFlags & { config?: string; json?: boolean }) => {
      const config = configFrom(opts.config);
      report(await readWidgetSnippet(config, opts, cliLogger()), opts, human);
    });
  return widget;
};
