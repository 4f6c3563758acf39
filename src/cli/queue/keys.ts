import type { Key } from "ink";

// Every keybinding of `xin queue`, in one place: the footer and the help screen are rendered from
// these tables, so what the screen says is what the keys do.

export type Mode = "list" | "detail" | "editor" | "confirm" | "help";

export type Command =
  | "up"
  | "down"
  | "open"
  | "back"
  | "approve"
  | "edit"
  | "reply"
  | "takeOver"
  | "handBack"
  | "close"
  | "help"
  | "quit"
  | "refresh"
  | "yes"
  | "no";

export type Binding = { keys: string; label: string; command: Command; match: (input: string, key: Key) => boolean };

const ch = (c: string) => (input: string, key: Key) => input === c && !key.ctrl && !key.meta;

const NAV: Binding[] = [
  { keys: "↑↓/jk", label: "move", command: "up", match: (i, k) => k.upArrow || ch("k")(i, k) },
  { keys: "", label: "", command: "down", match: (i, k) => k.downArrow || ch("j")(i, k) },
];

const ACTIONS: Binding[] = [
  { keys: "a", label: "approve & send", command: "approve", match: ch("a") },
  { keys: "e", label: "edit", command: "edit", match: ch("e") },
  { keys: "r", label: "reply", command: "reply", match: ch("r") },
  { keys: "t", label: "take over", command: "takeOver", match: ch("t") },
  { keys: "b", label: "hand back", command: "handBack", match: ch("b") },
  { keys: "c", label: "close", command: "close", match: ch("c") },
];

const COMMON: Binding[] = [
  { keys: "?", label: "help", command: "help", match: ch("?") },
  { keys: "q", label: "quit", command: "quit", match: (i, k) => ch("q")(i, k) || (k.ctrl && i === "c") },
];

export const BINDINGS: Record<Mode, Binding[]> = {
  list: [...NAV, { keys: "⏎", label: "open", command: "open", match: (_, k) => k.return }, ...ACTIONS, ...COMMON],
  detail: [
    {
      keys: "n/p",
      label: "next/prev",
      command: "down",
      match: (i, k) => ch("n")(i, k) || ch("j")(i, k) || k.downArrow,
    },
    { keys: "", label: "", command: "up", match: (i, k) => ch("p")(i, k) || ch("k")(i, k) || k.upArrow },
    ...ACTIONS,
    { keys: "esc", label: "back", command: "back", match: (_, k) => k.escape || k.leftArrow },
    ...COMMON,
  ],
  confirm: [
    { keys: "y", label: "yes, send", command: "yes", match: (i, k) => ch("y")(i, k) || k.return },
    { keys: "n/esc", label: "cancel", command: "no", match: (i, k) => ch("n")(i, k) || k.escape },
  ],
  help: [{ keys: "any key", label: "close help", command: "back", match: () => true }],
  // The editor takes text itself (see editKey); these are only its reserved keys, shown in the footer.
  editor: [],
};

export const EDITOR_HINTS: { keys: string; label: string }[] = [
  { keys: "⏎", label: "send" },
  { keys: "ctrl+o", label: "$EDITOR" },
  { keys: "esc", label: "back (text kept)" },
];

export const commandFor = (mode: Mode, input: string, key: Key): Command | null =>
  BINDINGS[mode].find((b) => b.match(input, key))?.command ?? null;

export type EditOutcome = { text: string } | "send" | "cancel" | "external";

/** One keystroke in the inline editor. Pasted text arrives as one input and is kept whole. */
export const editKey = (text: string, input: string, key: Key): EditOutcome => {
  if (key.escape) return "cancel";
  if (key.ctrl && input === "o") return "external";
  if (key.return) return "send";
  if (key.backspace || key.delete) return { text: text.slice(0, -1) };
  if (key.ctrl && input === "u") return { text: "" };
  if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.tab)
    return { text };
  return { text: text + input.replace(/\r\n?/g, "\n") };
};

/** The footer's hint list for a mode. */
export const hintsFor = (mode: Mode): { keys: string; label: string }[] =>
  mode === "editor" ? EDITOR_HINTS : BINDINGS[mode].filter((b) => b.keys).map(({ keys, label }) => ({ keys, label }));
