import { resolve } from "node:path";
import { usageError } from "../runtime";

/**
 * The stored source a user means by `given`: its exact name; the absolute path older versions stored
 * for a file ingested on this machine; or, when only one source fits, a shorter or longer spelling of
 * its path (`warranty.pdf` for `docs/warranty.pdf`, `./docs/faq.csv` for `faq.csv`). Null when none
 * fits; several fitting is a usage error that lists them.
 */
export const pickSource = (names: readonly string[], given: string): string | null => {
  if (names.includes(given)) return given;
  const absolute = resolve(given);
  if (names.includes(absolute)) return absolute;
  const tail = given.replace(/^(\.\/)+/, "");
  if (!tail) return null;
  const fits = names.filter(
    (n) => n === tail || n.endsWith(`/${tail}`) || tail.endsWith(`/${n}`) || absolute.endsWith(`/${n}`),
  );
  if (fits.length === 1) return fits[0];
  if (fits.length > 1)
    throw usageError(
      `"${given}" fits ${fits.length} sources: ${fits.slice(0, 10).join(", ")}${fits.length > 10 ? ", …" : ""}`,
      "give more of its path, as `xin knowledge list` shows it",
    );
  return null;
};
