import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { XinError } from "../../runtime";
import type { Guardrail } from "./types";

const shape = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/, "must be snake_case, 2-63 characters"),
  description: z.string().min(1),
  stages: z.array(z.enum(["input", "output"])).min(1),
  enabledByDefault: z.boolean().optional(),
  streamable: z.boolean().optional(),
  evaluate: z.custom<Guardrail["evaluate"]>((v) => typeof v === "function", "must be a function"),
});

const MODULE = /\.(ts|js|mjs)$/;

/**
 * Loads custom guardrails from `dir` (config `answer.guardrails_dir`): every `*.ts`, `*.js` or `*.mjs`
 * file directly in it, in name order, whose default export (or export `guardrail`) is a `Guardrail`.
 * They run after the built-in ones. A file that does not load or has the wrong shape stops the start
 * with `guardrails.invalid` naming the file and the problem — a check silently missing is worse than
 * a server that refuses to start. A code clashing with another guardrail's is refused the same way.
 */
export const loadCustomGuardrails = async (dir: string, taken: readonly string[]): Promise<Guardrail[]> => {
  const root = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(root)
      .filter(
        (n) => MODULE.test(n) && !n.endsWith(".d.ts") && !n.includes(".test.") && statSync(join(root, n)).isFile(),
      )
      .sort();
  } catch (cause) {
    throw new XinError("guardrails.invalid", `cannot read the guardrails folder ${root}`, {
      hint: "check answer.guardrails_dir",
      cause,
    });
  }
  const codes = new Set(taken);
  const out: Guardrail[] = [];
  for (const name of names) {
    const file = join(root, name);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(file)) as Record<string, unknown>;
    } catch (cause) {
      throw new XinError("guardrails.invalid", `custom guardrail ${file} does not load`, { cause });
    }
    const parsed = shape.safeParse(mod.default ?? mod.guardrail);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new XinError(
        "guardrails.invalid",
        `custom guardrail ${file}: ${issue?.path.join(".") || "export"} ${issue?.message ?? "is not a guardrail"}`,
        {
          hint: "export default { code, description, stages, evaluate } (see examples/guardrails)",
        },
      );
    }
    if (codes.has(parsed.data.code))
      throw new XinError("guardrails.invalid", `custom guardrail ${file}: code "${parsed.data.code}" is already taken`);
    codes.add(parsed.data.code);
    out.push(parsed.data);
  }
  return out;
};
