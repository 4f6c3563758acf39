import { Box, Text, useApp, useInput, useWindowSize } from "ink";
import { useCallback, useRef, useState } from "react";
import { DetailView } from "./components/DetailView";
import { Editor } from "./components/Editor";
import { Footer, type Flash } from "./components/Footer";
import { Header } from "./components/Header";
import { HelpOverlay } from "./components/HelpOverlay";
import { QueueList } from "./components/QueueList";
import { commandFor, editKey, type Command, type Mode } from "./keys";
import { isFailure, type QueueApi } from "./queue-api";
import type { QueueAction, QueueItem } from "./types";
import { useDetail } from "./use-detail";
import { useNow } from "./use-now";
import { useQueue } from "./use-queue";

export type QueueAppProps = {
  api: QueueApi;
  pollMs?: number;
  slaMinutes?: number;
  /** Opens text in the user's $EDITOR and returns the saved text (null: unchanged or failed). */
  openExternal?: (text: string) => string | null;
};

type Editing = { id: string; kind: "edit" | "reply" };
type Confirm = { id: string; action: "approve" | "close"; question: string };

const DONE: Partial<Record<QueueAction, string>> = {
  approve: "Draft sent to the customer.",
  send: "Edited reply sent.",
  reply: "Reply sent.",
  "take-over": "You have the conversation; the bot is paused.",
  "hand-back": "Handed back to the bot.",
  close: "Escalation closed.",
};

/** `xin queue`: the escalation queue for human agents. */
export const QueueApp = ({ api, pollMs = 2000, slaMinutes = 15, openExternal }: QueueAppProps) => {
  const { exit } = useApp();
  const { columns, rows } = useWindowSize();
  const width = Math.max(40, columns);
  const now = useNow();
  const { items, me, connection, refresh } = useQueue(api, pollMs);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [lastIndex, setLastIndex] = useState(0);
  const [view, setView] = useState<"list" | "detail">("list");
  const [help, setHelp] = useState(false);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  // Unsent text per escalation: survives reconnects, refreshes and leaving the editor.
  // A ref is the source of truth so keystrokes arriving in one tick (a paste, fast typing) all land.
  const draftsRef = useRef<Record<string, string>>({});
  const [drafts, setDraftsState] = useState<Record<string, string>>({});
  const setDrafts = (update: (d: Record<string, string>) => Record<string, string>) => {
    draftsRef.current = update(draftsRef.current);
    setDraftsState(draftsRef.current);
  };
  const [flash, setFlash] = useState<Flash | null>(null);
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);

  const found = items.findIndex((i) => i.id === selectedId);
  const index = found >= 0 ? found : Math.min(lastIndex, Math.max(0, items.length - 1));
  const item: QueueItem | undefined = items[index];
  const detail = useDetail(
    api,
    view === "detail" ? (item?.id ?? null) : null,
    version + (connection.state === "live" ? connection.at : 0),
  );
  const offline = connection.state === "reconnecting";
  // With nothing left to show (the last one was just resolved), the detail view falls back to the list.
  const shown = item ? view : "list";
  const mode: Mode = help ? "help" : confirm ? "confirm" : editing ? "editor" : shown;

  const select = (i: number) => {
    const next = items[Math.max(0, Math.min(items.length - 1, i))];
    if (!next) return;
    setSelectedId(next.id);
    setLastIndex(items.indexOf(next));
  };

  const run = useCallback(
    async (id: string, action: QueueAction, text?: string): Promise<boolean> => {
      setBusy(true);
      try {
        await api.act(id, action, text);
        if (DONE[action]) setFlash({ text: DONE[action] ?? "", tone: "ok" });
        return true;
      } catch (e) {
        const f = isFailure(e) ? e : { kind: "rejected" as const, message: String(e) };
        const text =
          f.kind === "offline"
            ? "Not sent: the server is unreachable. Nothing is lost; try again when it is back."
            : f.message;
        setFlash({ text, tone: "error" });
        return false;
      } finally {
        setBusy(false);
        setVersion((v) => v + 1);
        refresh();
      }
    },
    [api, refresh],
  );

  const startEditing = async (target: QueueItem, kind: "edit" | "reply") => {
    if (target.state !== "claimed" || target.agent_id !== me?.token_id) {
      try {
        await api.act(target.id, "claim");
        refresh();
      } catch (e) {
        if (isFailure(e) && e.kind !== "offline") return setFlash({ text: e.message, tone: "error" });
      }
    }
    setDrafts((d) => ({ ...d, [target.id]: d[target.id] ?? (kind === "edit" ? (target.draft ?? "") : "") }));
    setEditing({ id: target.id, kind });
  };

  const onCommand = (command: Command) => {
    if (command === "quit") return exit();
    if (command === "help") return setHelp(true);
    if (command === "refresh") return refresh();
    if (mode === "help") return setHelp(false);
    if (command === "up") return select(index - 1);
    if (command === "down") return select(index + 1);
    if (command === "back") return setView("list");
    if (command === "no") return setConfirm(null);
    if (command === "yes" && confirm) {
      setConfirm(null);
      return void run(confirm.id, confirm.action);
    }
    if (!item) return setFlash({ text: "Nothing selected.", tone: "info" });
    if (command === "open") return setView("detail");
    if (command === "approve") {
      if (!item.draft) return setFlash({ text: "No AI draft here: press r to write a reply.", tone: "info" });
      return setConfirm({
        id: item.id,
        action: "approve",
        question: `Send the AI draft to ${item.contact_name ?? "the customer"}?`,
      });
    }
    if (command === "close")
      return setConfirm({ id: item.id, action: "close", question: "Close this escalation without replying?" });
    if (command === "edit") return void startEditing(item, "edit");
    if (command === "reply") return void startEditing(item, "reply");
    if (command === "takeOver") return void run(item.id, "take-over");
    if (command === "handBack") return void run(item.id, "hand-back");
  };

  useInput((input, key) => {
    if (editing) {
      const outcome = editKey(draftsRef.current[editing.id] ?? "", input, key);
      if (outcome === "cancel") return setEditing(null);
      if (outcome === "external") {
        const edited = openExternal?.(draftsRef.current[editing.id] ?? "");
        if (edited == null)
          return setFlash({
            text: "The external editor did not save (is $EDITOR set?); your text is unchanged.",
            tone: "error",
          });
        return setDrafts((d) => ({ ...d, [editing.id]: edited }));
      }
      if (outcome === "send") {
        const text = (draftsRef.current[editing.id] ?? "").trim();
        if (!text || busy) return;
        const { id, kind } = editing;
        void run(id, kind === "edit" ? "send" : "reply", text).then((ok) => {
          if (!ok) return;
          setDrafts(({ [id]: _sent, ...rest }) => rest);
          setEditing(null);
        });
        return;
      }
      return setDrafts((d) => ({ ...d, [editing.id]: outcome.text }));
    }
    const command = commandFor(mode, input, key);
    if (command) onCommand(command);
  });

  const editorText = editing ? (drafts[editing.id] ?? "") : "";
  const editorLines = editing ? Math.min(8, Math.ceil((editorText.length + 1) / Math.max(20, width - 4)) + 3) : 0;
  const bodyHeight = Math.max(5, rows - 1 - 3 - editorLines);
  const stale = connection.state !== "live";
  const flashNow: Flash | null = confirm ? { text: confirm.question, tone: "info" } : flash;

  return (
    <Box flexDirection="column" width={width} height={rows}>
      <Header connection={connection} me={me} open={items.length} width={width} />
      {help ? (
        <HelpOverlay width={width} height={bodyHeight} />
      ) : connection.state === "unauthorized" ? (
        <Box
          height={bodyHeight}
          width={width}
          borderStyle="round"
          borderColor="red"
          flexDirection="column"
          justifyContent="center"
          paddingX={2}
        >
          <Text bold color="red">
            The server refused this token: {connection.message}.
          </Text>
          <Text>It may have been revoked or have expired. Ask an admin for a new one:</Text>
          <Text color="cyan">{"  xin token create --role agent --tenant <tenant> --name <you>"}</Text>
          <Text dimColor>Unsent replies stay here; this screen retries by itself.</Text>
        </Box>
      ) : shown === "detail" && item ? (
        <DetailView
          item={item}
          detail={detail}
          me={me}
          now={now}
          slaMinutes={slaMinutes}
          width={width}
          height={bodyHeight}
          position={`${index + 1}/${items.length}`}
        />
      ) : (
        <QueueList
          items={items}
          selected={index}
          me={me}
          now={now}
          slaMinutes={slaMinutes}
          width={width}
          height={bodyHeight}
          stale={stale}
          offline={connection.state === "reconnecting" ? connection.message : null}
        />
      )}
      {editing ? <Editor kind={editing.kind} text={editorText} width={width} busy={busy} offline={offline} /> : null}
      <Footer mode={mode} flash={flashNow} width={width} />
    </Box>
  );
};
