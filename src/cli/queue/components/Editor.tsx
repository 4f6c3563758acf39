import { Box, Text } from "ink";

type Props = { kind: "edit" | "reply"; text: string; width: number; busy: boolean; offline: boolean };

/**
 * The inline reply editor. It only shows text held by the app (keyed by escalation), so a reconnect,
 * a refresh or leaving and coming back never loses what was typed.
 */
export const Editor = ({ kind, text, width, busy, offline }: Props) => (
  <Box borderStyle="round" borderColor={offline ? "yellow" : "cyan"} flexDirection="column" paddingX={1} width={width}>
    <Text color="cyan" bold>
      {kind === "edit" ? "Edit the draft, then send" : "Your reply"}
      {busy ? <Text color="yellow">{"  sending…"}</Text> : null}
      {offline ? <Text color="yellow">{"  (offline: kept, send when reconnected)"}</Text> : null}
    </Text>
    <Text wrap="wrap">
      {text}
      <Text inverse> </Text>
    </Text>
  </Box>
);
