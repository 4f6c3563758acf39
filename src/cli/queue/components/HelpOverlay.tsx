import { Box, Text } from "ink";
import { BINDINGS, EDITOR_HINTS } from "../keys";

const Section = ({ title, hints }: { title: string; hints: { keys: string; label: string }[] }) => (
  <Box flexDirection="column" marginBottom={1} flexShrink={0}>
    <Text bold>{title}</Text>
    {hints
      .filter((h) => h.keys)
      .map((h) => (
        <Text key={h.keys + h.label}>
          <Text color="cyan">{`  ${h.keys.padEnd(8)}`}</Text>
          <Text>{h.label}</Text>
        </Text>
      ))}
  </Box>
);

/** `?`: every key, from the same tables that drive them. */
export const HelpOverlay = ({ width, height }: { width: number; height: number }) => (
  <Box
    flexDirection="column"
    width={width}
    height={height}
    borderStyle="round"
    borderColor="cyan"
    paddingX={1}
    overflow="hidden"
  >
    <Text bold color="cyan">
      Keys
    </Text>
    <Box columnGap={4}>
      <Box flexDirection="column" width={30} flexShrink={0}>
        <Section title="Queue" hints={BINDINGS.list} />
      </Box>
      <Box flexDirection="column" flexGrow={1} flexShrink={1}>
        <Section title="Conversation" hints={BINDINGS.detail.filter((b) => ["down", "back"].includes(b.command))} />
        <Section title="Editor" hints={EDITOR_HINTS} />
        <Text dimColor wrap="wrap">
          approve/edit/reply send to the customer; take over pauses the bot until hand back.
        </Text>
      </Box>
    </Box>
  </Box>
);
