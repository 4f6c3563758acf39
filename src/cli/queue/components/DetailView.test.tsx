// The detail view names the files of a conversation: an agent sees that the customer sent a photo or a
// PDF (and what a reply linked) without leaving the queue.
import { expect, test } from "bun:test";
import { render } from "ink-testing-library";
import { QueueDetail, QueueItem } from "../types";
import { DetailView } from "./DetailView";

test("a photo, a PDF and an agent's link show as named file tags in the transcript", () => {
  const item = QueueItem.parse({
    id: "esc_1",
    reason: "unsupported_content",
    state: "open",
    agent_id: null,
    draft: null,
    created_at: new Date().toISOString(),
    brand_name: "Acme",
    channel_name: "Web",
    provider: "web",
    contact_name: "Kim",
    conversation_status: "human",
  });
  const at = new Date().toISOString();
  const detail = QueueDetail.parse({
    ...item,
    sources: [],
    transcript: [
      {
        id: "m1",
        direction: "in",
        body: "this is how they arrived",
        status: "received",
        author: null,
        created_at: at,
        files: [
          {
            kind: "image",
            name: "torn-shoe.png",
            mime_type: "image/png",
            size: 20_480,
            sha256: "a".repeat(64),
            url: null,
          },
        ],
      },
      {
        id: "m2",
        direction: "in",
        body: null,
        status: "received",
        author: null,
        created_at: at,
        files: [
          {
            kind: "document",
            name: "receipt.pdf",
            mime_type: "application/pdf",
            size: 900,
            sha256: "b".repeat(64),
            url: null,
          },
        ],
      },
      {
        id: "m3",
        direction: "out",
        body: null,
        status: "sent",
        author: "human",
        created_at: at,
        files: [
          { kind: "image", name: null, mime_type: null, size: null, sha256: null, url: "https://shop.example/new.png" },
        ],
      },
      { id: "m4", direction: "in", body: "thanks", status: "received", author: null, created_at: at },
    ],
  });
  const frame =
    render(
      <DetailView
        item={item}
        detail={detail}
        me={null}
        now={Date.now()}
        slaMinutes={15}
        width={120}
        height={20}
        position="1/1"
      />,
    ).lastFrame() ?? "";
  expect(frame).toContain("Customer: this is how they arrived [image torn-shoe.png 20 KB]");
  expect(frame).toContain("Customer: [document receipt.pdf 1 KB]");
  expect(frame).toContain("Agent: [image https://shop.example/new.png]");
  expect(frame).toContain("Customer: thanks");
});
