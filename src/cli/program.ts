import { Command } from "commander";
import { XIN_VERSION } from "../app";
import { askCommand } from "./ask";
import { certsCommand } from "./certs";
import { chatCommand } from "./chat";
import { channelCommand } from "./channel";
import { backupCommand, restoreCommand } from "./backup";
import { doctorCommand } from "./doctor";
import { evalCommand } from "./eval";
import { initCommand } from "./init";
import { ingestCommand, knowledgeCommand, searchCommand } from "./knowledge";
import { migrateCommand } from "./migrate";
import { serveCommand } from "./serve";
import { reportCommand } from "./report";
import { statusCommand } from "./status";
import { systemdCommand } from "./systemd";
import { upgradeCommand } from "./upgrade";
import { versionCommand } from "./version";
import { widgetCommand } from "./widget";
// Issue 7: agents.
import { queueCommand } from "./queue-command";
import { tokenCommand } from "./token";
import { automationCommand } from "./automation";

/** The command tree. Each command lives in its own file; none holds business logic. */
export const buildProgram = (): Command => {
  const program = new Command("xin")
    .description("self-hosted business messaging assistant: answers customers from your knowledge, hands off to humans")
    .version(XIN_VERSION, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const add of [
    initCommand,
    serveCommand,
    statusCommand,
    doctorCommand,
    backupCommand,
    restoreCommand,
    migrateCommand,
    upgradeCommand,
    versionCommand,
    ingestCommand,
    searchCommand,
    knowledgeCommand,
    channelCommand,
    evalCommand,
    askCommand,
    chatCommand,
    reportCommand,
  ]) {
    const command = add(program).exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  for (const sub of widgetCommand(program).exitOverride().commands) sub.exitOverride();
  for (const sub of tokenCommand(program).exitOverride().commands) sub.exitOverride();
  for (const sub of automationCommand(program).exitOverride().commands) sub.exitOverride();
  for (const sub of systemdCommand(program).exitOverride().commands) sub.exitOverride();
  for (const sub of certsCommand(program).exitOverride().commands) sub.exitOverride();
  queueCommand(program).exitOverride();
  return program;
};
