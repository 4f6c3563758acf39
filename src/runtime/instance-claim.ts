import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { XinError } from "./errors";
import { newId } from "./ids";
import { acquireInstanceLock } from "./instance-lock";

/**
 * What a `xin serve` process holds on its data dir. `owner` is the data dir's stable id
 * (`<data_dir>/instance-id`, made once), set only while this process holds `<data_dir>/xin.lock`: the
 * queue runner puts it in front of its worker id (`<owner>/wrk_…`), so a job leased under it was leased
 * by this process or by an earlier one of the same data dir — which the lock proves has stopped.
 */
export type InstanceClaim = { owner: string | null; release(): void };

const OWNER_ID = /^inst_[0-9a-z]{22}$/;

/** Where a data dir is: this machine and the folder's real path. */
const placeOf = (dataDir: string): string => {
  let machine = "-";
  try {
    machine = readFileSync("/etc/machine-id", "utf8").trim() || "-";
  } catch {
    // no machine id (containers, macOS): the host name and path still tell copies apart
  }
  return `${hostname()} ${machine} ${realpathSync(dataDir)}`;
};

/**
 * The id is kept with the place it was made for. A data dir copied to another server or folder (an
 * operator setting up a second instance with `rsync -a` or `cp -a`) must not share the id: restarting
 * one would release the jobs the other is running as its own dead ones, and they would run twice. A
 * copy therefore makes a new id; a file without a place (written before places were kept) is adopted.
 */
const ownerOf = (dataDir: string): string => {
  const file = join(dataDir, "instance-id");
  const here = placeOf(dataDir);
  if (existsSync(file)) {
    const [first = "", second] = readFileSync(file, "utf8").split("\n");
    const id = first.trim();
    const place = second?.startsWith("at ") ? second.slice(3) : undefined;
    if (OWNER_ID.test(id) && (place === undefined || place === here)) {
      if (place === undefined) writeFileSync(file, `${id}\nat ${here}\n`, { mode: 0o600 });
      return id;
    }
  }
  const id = newId("inst");
  writeFileSync(file, `${id}\nat ${here}\n`, { mode: 0o600 });
  return id;
};

/**
 * Takes the data dir's lock. `required` (the embedded store, whose files only one process may use):
 * a live holder is an `instance.locked` error. Otherwise (an external store) a live holder only means
 * no proof: the claim has no owner and this process's dead jobs wait for their lease like any other's.
 */
export const claimInstance = (dataDir: string, command: string, options: { required: boolean }): InstanceClaim => {
  let release: () => void;
  try {
    release = acquireInstanceLock(dataDir, command);
  } catch (e) {
    if (!options.required && e instanceof XinError && e.code === "instance.locked")
      return { owner: null, release: () => {} };
    throw e;
  }
  try {
    return { owner: ownerOf(dataDir), release };
  } catch (e) {
    release();
    throw e;
  }
};
