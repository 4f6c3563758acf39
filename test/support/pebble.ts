// Debian's pebble (a test ACME CA) and pebble-challtestsrv (its fake DNS) on loopback, for the HTTPS
// suites. Validation is real: pebble fetches every HTTP-01 token from the port the test's xin listens
// on (PEBBLE_VA_NOSLEEP only drops its random pre-validation sleep; PEBBLE_VA_ALWAYS_VALID is never set).
import { spawn, spawnSync, type Subprocess } from "bun";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type Pebble = {
  /** The ACME directory URL. */
  directory: string;
  /** The CA of pebble's own API listener (what `--directory-ca` names). */
  directoryCaFile: string;
  /** The root that signs issued certificates (new at every pebble start). */
  root(): Promise<string>;
  /** Points a name at an address in the fake DNS (default: every name is 127.0.0.1). */
  setA(host: string, address: string): Promise<void>;
  clearA(host: string): Promise<void>;
  stop(): Promise<void>;
};

export const pebbleInstalled = () => existsSync("/usr/bin/pebble") && existsSync("/usr/bin/pebble-challtestsrv");

/** A free TCP port on loopback. */
export const freePort = (): number => {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
};

const freeUdpPort = async (): Promise<number> => {
  const s = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 });
  const port = s.port;
  s.close();
  return port;
};

const openssl = (args: string[], cwd: string) => {
  const r = spawnSync(["openssl", ...args], { cwd, stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.toString()}`);
};

/** A CA and a localhost certificate it signed, for pebble's API listener (Debian ships none). */
const listenerCerts = (dir: string) => {
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=xin test listener CA",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
    ],
    dir,
  );
  openssl(
    [
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-subj",
      "/CN=localhost",
      "-keyout",
      "key.pem",
      "-out",
      "req.csr",
    ],
    dir,
  );
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "req.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      "ext.cnf",
      "-out",
      "cert.pem",
    ],
    dir,
  );
};

const httpsGet = (url: string, ca: string, method = "GET", body?: string): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers: body ? { "content-type": "application/json" } : {} }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });

const waitFor = async (check: () => Promise<boolean>, what: string, proc: Subprocess) => {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}`);
    if (await check().catch(() => false)) return;
    await Bun.sleep(50);
  }
  throw new Error(`${what} did not come up`);
};

/**
 * Starts challtestsrv (fake DNS only: every A query → 127.0.0.1, no AAAA, so pebble never dials ::1)
 * and pebble, validating HTTP-01 on `httpPort`.
 */
export const startPebble = async (httpPort: number): Promise<Pebble> => {
  const dir = mkdtempSync(join(tmpdir(), "xin-pebble-"));
  listenerCerts(dir);
  const ca = await Bun.file(join(dir, "ca.pem")).text();
  const [dnsPort, mgmtPort, apiPort, pebbleMgmtPort] = [await freeUdpPort(), freePort(), freePort(), freePort()];
  const dns = spawn(
    [
      "pebble-challtestsrv",
      "-defaultIPv4",
      "127.0.0.1",
      "-defaultIPv6",
      "",
      "-dns01",
      `127.0.0.1:${dnsPort}`,
      "-http01",
      "",
      "-https01",
      "",
      "-tlsalpn01",
      "",
      "-management",
      `127.0.0.1:${mgmtPort}`,
    ],
    { stdout: "ignore", stderr: "ignore" },
  );
  const manage = (path: string, body: unknown) =>
    fetch(`http://127.0.0.1:${mgmtPort}${path}`, { method: "POST", body: JSON.stringify(body) });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${mgmtPort}/`)).status > 0, "pebble-challtestsrv", dns);
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${apiPort}`,
      managementListenAddress: `127.0.0.1:${pebbleMgmtPort}`,
      certificate: join(dir, "cert.pem"),
      privateKey: join(dir, "key.pem"),
      httpPort,
      tlsPort: freePort(),
      ocspResponderURL: "",
      externalAccountBindingRequired: false,
    },
  };
  writeFileSync(join(dir, "pebble-config.json"), JSON.stringify(config));
  const pebble = spawn(
    ["pebble", "-config", join(dir, "pebble-config.json"), "-dnsserver", `127.0.0.1:${dnsPort}`, "-strict=false"],
    {
      cwd: dir,
      // No reuse of earlier valid authorizations: every order (a renewal too) is validated again.
      env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_AUTHZREUSE: "0" },
      stdout: "ignore",
      stderr: "ignore",
    },
  );
  const directory = `https://localhost:${apiPort}/dir`;
  await waitFor(async () => (await httpsGet(directory, ca)).status === 200, "pebble", pebble);
  return {
    directory,
    directoryCaFile: join(dir, "ca.pem"),
    root: async () => (await httpsGet(`https://localhost:${pebbleMgmtPort}/roots/0`, ca)).text,
    setA: async (host, address) => {
      const res = await manage("/add-a", { host, addresses: [address] });
      if (!res.ok) throw new Error(`challtestsrv add-a: ${res.status}`);
    },
    clearA: async (host) => {
      await manage("/clear-a", { host });
    },
    stop: async () => {
      for (const p of [pebble, dns]) {
        p.kill("SIGTERM");
        await p.exited;
      }
    },
  };
};
