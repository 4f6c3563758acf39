import { Box, Text } from "ink";
import { fit, humanReason, PROVIDER_LABEL, slaTone, sourceLabel, TONE_COLOR, waited } from "../format";
import type { QueueDetail, QueueItem, QueueMe, QueueMessage } from "../types";
import { claimLabel } from "./QueueList";

type Props = {
  item: QueueItem;
  detail: QueueDetail | null;
  me: QueueMe | null;
  now: number;
  slaMinutes: number;
  width: number;
  height: number;
  position: string;
};

const speaker = (m: QueueMessage) => (m.direction === "in" ? "Customer" : m.author === "human" ? "Agent" : "Bot");
const SPEAKER_COLOR: Record<string, string> = { Customer: "white", Agent: "cyan", Bot: "blue" };

/** `[image torn-shoe.png 12 KB]` per file: an agent sees what was sent without leaving the queue. */
const filesOf = (m: QueueMessage) =>
  m.files
    .map(
      (f) => `[${f.kind} ${f.name ?? f.url ?? "file"}${f.size ? ` ${Math.max(1, Math.round(f.size / 1024))} KB` : ""}]`,
    )
    .join(" ");

/** Local `HH:MM` of a message: enough to read the pace of a conversation. */
const clock = (iso: string) => new Date(iso).toTimeString().slice(0, 5);

/** Lines a message takes at this width, so the transcript shows as many recent ones as fit. */
const linesOf = (m: QueueMessage, width: number) =>
  Math.max(1, Math.ceil(((m.body ?? "").length + 16) / Math.max(20, width - 2)));

/** One escalation: why it is here, the recent transcript, the AI draft and the sources it drew on. */
export const DetailView = ({ item, detail, me, now, slaMinutes, width, height, position }: Props) => {
  const draftLines = item.draft ? Math.min(6, Math.ceil(item.draft.length / Math.max(20, width - 4)) + 2) : 3;
  const sources = detail?.sources ?? [];
  const sourceLines = Math.min(3, sources.length) + 1;
  const budget = Math.max(2, height - 3 - draftLines - sourceLines);
  const wait = ` waiting ${waited(item.created_at, now)}`;
  const status = `  ${claimLabel(item, me)}  ${position}`;
  const right = wait + status;
  const transcript: QueueMessage[] = [];
  let used = 0;
  for (const m of [...(detail?.transcript ?? [])].reverse()) {
    used += linesOf(m, width);
    if (used > budget && transcript.length) break;
    transcript.unshift(m);
  }
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Box width={width}>
        <Box width={width - right.length} overflow="hidden">
          <Text wrap="truncate-end">
            <Text bold>{humanReason(item.reason)}</Text>
            <Text>{`  ${item.contact_name ?? "customer"}`}</Text>
            <Text dimColor>{` · ${item.brand_name} · ${PROVIDER_LABEL[item.provider] ?? item.provider}`}</Text>
          </Text>
        </Box>
        <Text>
          <Text color={TONE_COLOR[slaTone(item.created_at, now, slaMinutes)]} bold>
            {wait}
          </Text>
          <Text dimColor>{status}</Text>
        </Text>
      </Box>
      <Box flexDirection="column" flexGrow={1} overflow="hidden" marginTop={1}>
        {detail ? null : <Text dimColor>loading transcript…</Text>}
        {transcript.map((m) => (
          <Text key={m.id} wrap="wrap">
            <Text dimColor>{`${clock(m.created_at)} `}</Text>
            <Text bold color={SPEAKER_COLOR[speaker(m)]}>{`${speaker(m)}: `}</Text>
            <Text>{[m.body, filesOf(m)].filter(Boolean).join(" ") || `[${m.status}]`}</Text>
          </Text>
        ))}
      </Box>
      <Box borderStyle="round" borderColor="yellow" flexDirection="column" paddingX={1} width={width}>
        <Text color="yellow" bold>
          AI draft
        </Text>
        <Text wrap="wrap">
          {item.draft ? fit(item.draft, (width - 4) * (draftLines - 2)) : "(no draft: write a reply)"}
        </Text>
      </Box>
      <Text dimColor wrap="truncate-end">{`Sources: ${sources.length ? "" : "none"}`}</Text>
      {sources.slice(0, 3).map((s, i) => (
        <Text key={i} dimColor wrap="truncate-end">{`  ${i + 1}. ${sourceLabel(s)}`}</Text>
      ))}
    </Box>
  );
};
