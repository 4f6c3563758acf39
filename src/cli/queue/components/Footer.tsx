import { Box, Text } from "ink";
import { hintsFor, type Mode } from "../keys";

export type Flash = { text: string; tone: "info" | "ok" | "error" };

const FLASH_COLOR = { info: "cyan", ok: "green", error: "red" } as const;

/** Always on screen: the last outcome (if any) and the keys of the current mode, wrapped to the width. */
export const Footer = ({ mode, flash, width }: { mode: Mode; flash: Flash | null; width: number }) => (
  <Box flexDirection="column" width={width}>
    <Text color={flash ? FLASH_COLOR[flash.tone] : undefined} wrap="truncate-end">
      {flash?.text ?? " "}
    </Text>
    <Box flexWrap="wrap" columnGap={2}>
      {hintsFor(mode).map((h) => (
        <Text key={h.keys + h.label}>
          <Text bold color="cyan">
            {h.keys}
          </Text>
          <Text dimColor>{` ${h.label}`}</Text>
        </Text>
      ))}
    </Box>
  </Box>
);
