// The queue screen against a real gateway (Bun.serve on loopback over a test database): keys drive
// real escalation actions, and the assertions read both the frame and the rows they changed.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { render as inkRender } from "ink";
import { render } from "ink-testing-library";
import { describeStores } from "../../../test/support/db";
import { seedEscalation } from "../../../test/support/escalation-seed";
import { gatewayHandler } from "../../../test/support/gateway";
import { QueueApp } from "./app";
import { queueApi } from "./queue-api";

const KEY = { enter: "\r", esc: "\u001b", down: "\u001b[B" };

const until = async (what: string, check: () => boolean, ms = 8000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
};

describeStores("xin queue screen", (getDb) => {
  let server: ReturnType<typeof Bun.serve>;
  let port = 0;
  const start = () => {
    const fetch = gatewayHandler(getDb());
    server = Bun.serve({ hostname: "127.0.0.1", port, fetch: (req) => fetch(req) });
    port = server.port ?? 0;
  };
  beforeAll(start);
  afterAll(() => server.stop(true));
  const url = () => `http://127.0.0.1:${port}`;
  const outbound = (conversationId: string) =>
    getDb()
      .sql`select body, metadata->>'author' as author from messages where conversation_id = ${conversationId} and direction = 'out'`;

  test("lists waiting escalations with reason, brand, channel, waiting time, and the keys in the footer", async () => {
    const s = await seedEscalation(getDb().db);
    const r = render(<QueueApp api={queueApi(url(), s.agent)} pollMs={200} />);
    await until("the list", () => (r.lastFrame() ?? "").includes("needs authorization"));
    const frame = r.lastFrame() ?? "";
    expect(frame).toContain("xin queue");
    expect(frame).toContain("● live");
    expect(frame).toMatch(/Shop \w+ · WhatsApp/);
    expect(frame).toContain("Ana Customer");
    expect(frame).toMatch(/\d+s\s/);
    for (const hint of ["approve & send", "edit", "reply", "take over", "hand back", "close", "help", "quit"])
      expect(frame).toContain(hint);
    r.stdin.write("?");
    await until("help", () => (r.lastFrame() ?? "").includes("Keys"));
    r.stdin.write("x");
    await until("help closed", () => !(r.lastFrame() ?? "").includes("Keys"));
    r.unmount();
  });

  test("open, approve, confirm: the draft goes out once as a human reply and leaves the queue", async () => {
    const s = await seedEscalation(getDb().db);
    const r = render(<QueueApp api={queueApi(url(), s.agent)} pollMs={200} />);
    await until("the list", () => (r.lastFrame() ?? "").includes("needs authorization"));
    r.stdin.write(KEY.enter);
    await until("the transcript", () => (r.lastFrame() ?? "").includes("can I get a refund?"));
    const detail = r.lastFrame() ?? "";
    expect(detail).toContain("AI draft");
    expect(detail).toContain("Sorry about the fit!");
    expect(detail).toContain("returns.md");
    r.stdin.write("a");
    await until("the confirmation", () => (r.lastFrame() ?? "").includes("Send the AI draft to Ana Customer?"));
    expect((await outbound(s.conversationId)).length).toBe(0);
    r.stdin.write("y");
    await until("sent", () => (r.lastFrame() ?? "").includes("Draft sent to the customer."));
    r.stdin.write("a"); // the escalation is gone: nothing to approve twice
    await Bun.sleep(300);
    const out = await outbound(s.conversationId);
    expect(out.length).toBe(1);
    expect(out[0].author).toBe("human");
    const audit = await getDb().sql`select action from audit_log where subject_id = ${s.escalationId}`;
    expect(audit.map((a) => a.action)).toEqual(["escalation.approve"]);
    r.unmount();
  });

  test("with no server answering, the screen says so and names the address it tries", async () => {
    const r = render(<QueueApp api={queueApi("http://127.0.0.1:1", "xin_unused")} pollMs={200} />);
    await until("offline note", () => (r.lastFrame() ?? "").includes("No xin server answers"));
    expect(r.lastFrame()).toContain("http://127.0.0.1:1");
    expect(r.lastFrame()).toContain("xin serve");
    expect(r.lastFrame()).not.toContain("no data yet");
    r.unmount();
  });

  test("a reply being written survives the server going away: reconnecting, kept, sent once when it is back", async () => {
    const s = await seedEscalation(getDb().db, { draft: null });
    const r = render(<QueueApp api={queueApi(url(), s.agent)} pollMs={200} />);
    await until("the list", () => (r.lastFrame() ?? "").includes("needs authorization"));
    r.stdin.write("r");
    await until("the editor", () => (r.lastFrame() ?? "").includes("Your reply"));
    // The claim is visible to a second agent, who cannot act on it.
    const other = render(<QueueApp api={queueApi(url(), s.agent2)} pollMs={200} />);
    await until("claimed for bob", () => (other.lastFrame() ?? "").includes("claimed·alice"));
    other.stdin.write("c");
    await until("close confirm", () => (other.lastFrame() ?? "").includes("Close this escalation"));
    other.stdin.write("y");
    await until("refused", () => (other.lastFrame() ?? "").includes("another agent has claimed"));
    other.unmount();

    r.stdin.write("Hi Ana, ");
    r.stdin.write("a colleague will call you today.");
    await until("typed", () => (r.lastFrame() ?? "").includes("a colleague will call you today."));
    server.stop(true);
    await until("reconnecting", () => (r.lastFrame() ?? "").includes("reconnecting"));
    r.stdin.write(KEY.enter);
    await until("not sent", () => (r.lastFrame() ?? "").includes("Not sent"));
    expect(r.lastFrame()).toContain("Hi Ana, a colleague will call you today.");
    start();
    await until("live again", () => (r.lastFrame() ?? "").includes("● live"), 15_000);
    expect(r.lastFrame()).toContain("Hi Ana, a colleague will call you today.");
    r.stdin.write(KEY.enter);
    await until("sent", () => (r.lastFrame() ?? "").includes("Reply sent."));
    const out = await outbound(s.conversationId);
    expect(out.map((m) => m.body)).toEqual(["Hi Ana, a colleague will call you today."]);
    r.unmount();
  });

  test("take over keeps the conversation with the agent through replies; hand back returns it to the bot", async () => {
    const s = await seedEscalation(getDb().db);
    const r = render(
      <QueueApp api={queueApi(url(), s.agent)} pollMs={200} openExternal={(text) => `${text} (checked in $EDITOR)`} />,
    );
    await until("the list", () => (r.lastFrame() ?? "").includes("needs authorization"));
    r.stdin.write("t");
    await until("taken over", () => (r.lastFrame() ?? "").includes("the bot is paused"));
    await until("yours", () => (r.lastFrame() ?? "").includes("yours"));
    r.stdin.write("e");
    await until("the editor with the draft", () => (r.lastFrame() ?? "").includes("Edit the draft"));
    r.stdin.write(""); // ctrl+o: the external editor
    // The editor box wraps long text: compare with its borders and line breaks flattened.
    await until("edited externally", () =>
      (r.lastFrame() ?? "").replace(/[│\s]+/g, " ").includes("full refund. (checked in $EDITOR)"),
    );
    r.stdin.write(KEY.enter);
    await until("sent", () => (r.lastFrame() ?? "").includes("Edited reply sent."));
    await until("still listed as yours", () => (r.lastFrame() ?? "").includes("yours"));
    r.stdin.write("b");
    await until("handed back", () => (r.lastFrame() ?? "").includes("Handed back to the bot."));
    await until("gone from the queue", () => (r.lastFrame() ?? "").includes("Nothing waiting"));
    const [conv] = await getDb()
      .sql`select status, assigned_agent_id from conversations where id = ${s.conversationId}`;
    expect(conv).toMatchObject({ status: "bot", assigned_agent_id: null });
    const out = await outbound(s.conversationId);
    expect(out.map((m) => m.body)).toEqual([
      "Sorry about the fit! You can return unworn shoes within 30 days for a full refund. (checked in $EDITOR)",
    ]);
    r.unmount();
  });

  test("a new escalation appears by itself through the event stream, without waiting for a poll", async () => {
    const s = await seedEscalation(getDb().db);
    const r = render(<QueueApp api={queueApi(url(), s.admin)} pollMs={60_000} />);
    await until("the list", () => (r.lastFrame() ?? "").includes("● live"));
    await Bun.sleep(300); // the event stream is open
    const before = (r.lastFrame() ?? "").match(/(\d+) waiting/)?.[1];
    const next = await seedEscalation(getDb().db);
    const brand = (await getDb().sql`select name from brands where id = ${next.brandId}`)[0].name as string;
    await until("the new escalation", () => (r.lastFrame() ?? "").includes(brand), 6000);
    expect(Number((r.lastFrame() ?? "").match(/(\d+) waiting/)?.[1])).toBe(Number(before) + 1);
    r.unmount();
  });

  test("fits 80×24 and re-lays out on resize", async () => {
    const s = await seedEscalation(getDb().db);
    class Screen extends EventEmitter {
      columns = 80;
      rows = 24;
      isTTY = true;
      frame = "";
      write = (f: string) => {
        this.frame = f;
        return true;
      };
    }
    const stdout = new Screen();
    const stdin = Object.assign(new EventEmitter(), {
      isTTY: true,
      setRawMode() {},
      setEncoding() {},
      resume() {},
      pause() {},
      ref() {},
      unref() {},
      read: () => null,
    });
    const app = inkRender(<QueueApp api={queueApi(url(), s.agent)} pollMs={200} />, {
      stdout: stdout as never,
      stdin: stdin as never,
      debug: true,
      patchConsole: false,
      exitOnCtrlC: false,
    });
    await until("the list", () => stdout.frame.includes("needs authorization")).catch((e) => {
      throw new Error(`${e.message}; frame: ${JSON.stringify(stdout.frame)}`);
    });
    const lines = stdout.frame.split("\n");
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(Math.max(...lines.map((l) => Bun.stringWidth(l)))).toBeLessThanOrEqual(80);
    expect(stdout.frame).toContain("approve & send");
    stdout.columns = 120;
    stdout.rows = 40;
    stdout.emit("resize");
    await until("wider layout", () => Math.max(...stdout.frame.split("\n").map((l) => Bun.stringWidth(l))) > 80);
    expect(stdout.frame.split("\n").length).toBeLessThanOrEqual(40);
    app.unmount();
  });
});
