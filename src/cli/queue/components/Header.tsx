import { Box, Text } from "ink";
import type { QueueMe } from "../types";
import type { Connection } from "../use-queue";

type Props = { connection: Connection; me: QueueMe | null; open: number; width: number };

const Badge = ({ connection }: { connection: Connection }) => {
  switch (connection.state) {
    case "live":
      return <Text color="green">● live</Text>;
    case "connecting":
      return <Text color="yellow">◌ connecting…</Text>;
    case "reconnecting":
      return (
        <Text
          color="black"
          backgroundColor="yellow"
        >{` ◌ reconnecting… retry in ${Math.ceil(connection.retryInMs / 1000)}s `}</Text>
      );
    case "unauthorized":
      return (
        <Text color="white" backgroundColor="red">
          {" ✗ token refused "}
        </Text>
      );
  }
};

/** Title, queue size, who is signed in and whether the list is live. */
export const Header = ({ connection, me, open, width }: Props) => (
  <Box width={width} justifyContent="space-between">
    <Text>
      <Text bold color="cyan">
        xin queue
      </Text>
      <Text dimColor>{`  ${open} waiting`}</Text>
      {me ? <Text dimColor>{`  ·  ${me.name}`}</Text> : null}
    </Text>
    <Badge connection={connection} />
  </Box>
);
