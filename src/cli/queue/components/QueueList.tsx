import { Box, Text } from "ink";
import { fit, humanReason, PROVIDER_LABEL, slaTone, TONE_COLOR, waited } from "../format";
import type { QueueItem, QueueMe } from "../types";

type Props = {
  items: QueueItem[];
  selected: number;
  me: QueueMe | null;
  now: number;
  slaMinutes: number;
  width: number;
  height: number;
  stale: boolean;
  /** Why there is no data (the server cannot be reached: its URL), while reconnecting. */
  offline?: string | null;
};

export const claimLabel = (item: QueueItem, me: QueueMe | null) =>
  item.state !== "claimed"
    ? item.conversation_status === "human"
      ? "bot paused"
      : "open"
    : item.agent_id === me?.token_id
      ? "yours"
      : `claimed·${item.agent_name ?? "agent"}`;

/** The waiting escalations, oldest first, windowed around the selection so it fits any height. */
export const QueueList = ({ items, selected, me, now, slaMinutes, width, height, stale, offline }: Props) => {
  if (items.length === 0 && stale && offline) {
    return (
      <Box
        height={height}
        width={width}
        flexDirection="column"
        alignItems="center"
        justifyContent="center"
        borderStyle="round"
        borderColor="yellow"
      >
        <Text color="yellow">{`No xin server answers: ${offline}.`}</Text>
        <Text dimColor>Is `xin serve` running? This screen connects by itself once it is.</Text>
      </Box>
    );
  }
  if (items.length === 0) {
    return (
      <Box height={height} width={width} alignItems="center" justifyContent="center" borderStyle="round" borderDimColor>
        <Text dimColor>{stale ? "no data yet" : "Nothing waiting. New escalations appear here by themselves."}</Text>
      </Box>
    );
  }
  const rows = Math.max(1, height - 1);
  const start = Math.min(Math.max(0, selected - Math.floor(rows / 2)), Math.max(0, items.length - rows));
  const wide = width - 2 - 7 - 14 - 4;
  const reasonW = Math.max(12, Math.floor(wide * 0.38));
  const whereW = Math.max(10, Math.floor(wide * 0.39));
  const whoW = Math.max(6, wide - reasonW - whereW);
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text
        dimColor
      >{`  ${"WAIT".padEnd(7)}${"REASON".padEnd(reasonW + 1)}${"BRAND · CHANNEL".padEnd(whereW + 1)}${"CUSTOMER".padEnd(whoW + 1)}STATE`}</Text>
      {items.slice(start, start + rows).map((item, i) => {
        const isSelected = start + i === selected;
        const claim = claimLabel(item, me);
        return (
          <Text key={item.id} inverse={isSelected} dimColor={stale && !isSelected}>
            <Text>{isSelected ? "▸ " : "  "}</Text>
            <Text color={TONE_COLOR[slaTone(item.created_at, now, slaMinutes)]} bold>
              {waited(item.created_at, now).padEnd(7)}
            </Text>
            <Text>{fit(humanReason(item.reason), reasonW, true)} </Text>
            <Text>{fit(`${item.brand_name} · ${PROVIDER_LABEL[item.provider] ?? item.provider}`, whereW, true)} </Text>
            <Text>{fit(item.contact_name ?? "customer", whoW, true)} </Text>
            <Text color={claim.startsWith("claimed") ? "magenta" : claim === "yours" ? "cyan" : undefined}>
              {fit(claim, 14)}
            </Text>
          </Text>
        );
      })}
    </Box>
  );
};
