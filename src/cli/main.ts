// The binary's entry: parse argv, run the command, print errors, set the exit code.
import { CommanderError } from "commander";
import { buildProgram } from "./program";
import { EXIT, formatError } from "./output";

const main = async () => {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
    // A command that printed its result but failed its check (`xin eval answers`, an ingest with only
    // failures) sets process.exitCode; it must survive here.
    return Number(process.exitCode ?? EXIT.ok);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are exits with code 0; anything else commander rejects is a usage error.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { text, exitCode, json } = formatError(e);
    if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(json)}\n`);
    process.stderr.write(`${text}\n`);
    return exitCode;
  }
};

process.exitCode = await main();
// Exit explicitly: a stray timer or socket of a library must not keep a finished command alive.
process.exit(process.exitCode);
