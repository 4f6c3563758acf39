import { describe, expect, test } from "bun:test";
import { describeStep, installPlan, uninstallPlan, type Facts } from "./plan";
import { defaultPaths } from "./unit";

const paths = defaultPaths();
const fresh: Facts = {
  sourceBinary: "/root/xin",
  userExists: false,
  envFileExists: false,
  configExists: false,
  unitExists: false,
  configuredPort: null,
};
const lines = (steps: ReturnType<typeof installPlan>) => steps.map(describeStep);

describe("xin systemd install plan", () => {
  test("on a fresh VPS: user, folders, binary, env file, instance on port 80, unit, reload, enable, restart, /readyz", () => {
    expect(lines(installPlan(paths, fresh))).toEqual([
      "useradd --system --user-group --home-dir /var/lib/xin --no-create-home --shell /usr/sbin/nologin xin    # create the system user xin",
      "install -d -m 0700 -o xin -g xin /var/lib/xin",
      "install -d -m 0755 /etc/xin",
      "install -m 0755 /root/xin /usr/local/bin/xin",
      "write /etc/xin/xin.env (mode 0600, 6 lines)",
      "runuser -u xin -- /usr/local/bin/xin init --yes --data-dir /var/lib/xin --config /var/lib/xin/xin.toml --port 80    # create the instance (config, secrets, store, first tenant and admin token)",
      "write /etc/systemd/system/xin.service (mode 0644, 62 lines)",
      "systemctl daemon-reload    # load the new unit",
      "systemctl enable xin.service    # start xin at boot",
      "systemctl restart xin.service    # (re)start xin now",
      "wait until http://127.0.0.1:80/readyz answers 200 (up to 60 s)",
    ]);
  });

  test("a re-install keeps the user, the operator's env file and the instance, and waits on the configured port", () => {
    const again = installPlan(paths, {
      ...fresh,
      sourceBinary: "/tmp/xin-new",
      userExists: true,
      envFileExists: true,
      configExists: true,
      unitExists: true,
      configuredPort: 8443,
    });
    const text = lines(again).join("\n");
    expect(text).not.toContain("useradd");
    expect(text).not.toContain("/etc/xin/xin.env");
    expect(text).not.toContain(" init ");
    expect(text).toContain("install -m 0755 /tmp/xin-new /usr/local/bin/xin");
    expect(text).toContain("systemctl restart xin.service");
    expect(text).toContain("http://127.0.0.1:8443/readyz");
  });

  test("installing the binary that is already in place copies nothing", () => {
    expect(lines(installPlan(paths, { ...fresh, sourceBinary: "/usr/local/bin/xin" })).join("\n")).not.toContain(
      "install -m 0755",
    );
  });

  test("the unit written is rendered for the chosen user", () => {
    const write = installPlan(defaultPaths("chat"), fresh).find(
      (s) => s.kind === "write" && s.path.endsWith(".service"),
    );
    expect(write?.kind === "write" && write.text).toContain("User=chat\nGroup=chat\n");
  });
});

describe("xin systemd uninstall plan", () => {
  const installed: Facts = { ...fresh, userExists: true, envFileExists: true, configExists: true, unitExists: true };

  test("keeps data, secrets and user unless --purge", () => {
    expect(lines(uninstallPlan(paths, installed, false))).toEqual([
      "systemctl disable --now xin.service    # stop xin and drop it from boot",
      "rm -f /etc/systemd/system/xin.service",
      "systemctl daemon-reload    # forget the unit",
      "rm -f /usr/local/bin/xin",
    ]);
  });

  test("--purge also deletes the data dir, the env file, its folder when empty, and the user", () => {
    expect(lines(uninstallPlan(paths, installed, true)).slice(4)).toEqual([
      "rm -rf /var/lib/xin",
      "rm -f /etc/xin/xin.env",
      "rmdir --ignore-fail-on-non-empty /etc/xin",
      "userdel xin    # remove the system user xin",
    ]);
  });

  test("with no unit installed it does not call systemctl", () => {
    expect(lines(uninstallPlan(paths, { ...installed, unitExists: false }, false))).toEqual([
      "rm -f /usr/local/bin/xin",
    ]);
  });
});
