/**
 * An Instagram `message` object → `InboundContent`s. One message can carry several attachments; each
 * becomes its own content (the parser keys the extra ones `<mid>#<n>`), so no attachment is lost.
 */
import type { InboundContent, InboundMedia, Referral } from "../types";
import { parseShape, stripUndefined } from "../payload";
import { attachmentSchema, type InstagramEvent, type InstagramReferral } from "./schema";

type Message = NonNullable<InstagramEvent["message"]>;

const MEDIA_TYPES: Record<string, InboundMedia["mediaType"]> = {
  image: "image",
  sticker: "image",
  video: "video",
  audio: "audio",
  file: "document",
  share: "share",
  ig_post: "share",
  ig_reel: "share",
  reel: "share",
  media: "share",
  story_mention: "story_mention",
  ig_story: "story_mention",
  story: "story_mention",
};

// An attachment type xin does not handle is kept as unsupported; one of the wrong shape (type = 5, a
// url that is not a string) is no attachment Meta sends, and refuses the payload (issue 13).
const attachmentContent = (raw: unknown, i: number): InboundContent => {
  const parsed = parseShape(attachmentSchema, raw, `message.attachments[${i}]`);
  const mediaType = MEDIA_TYPES[parsed.type];
  if (!mediaType)
    return {
      kind: "unsupported",
      providerType: `attachment.${parsed.type}`,
      reason: "attachment type not handled by xin",
    };
  return { kind: "media", media: stripUndefined({ mediaType, url: parsed.payload?.url }) };
};

export const referralOf = (r: InstagramReferral | undefined): Referral | undefined =>
  r
    ? stripUndefined({
        source: r.source ?? "unknown",
        ref: r.ref,
        adId: r.ad_id,
        headline: r.ads_context_data?.ad_title,
        mediaUrl: r.ads_context_data?.photo_url ?? r.ads_context_data?.video_url,
      })
    : undefined;

export const messageContents = (message: Message): InboundContent[] => {
  if (message.is_unsupported)
    return [{ kind: "unsupported", providerType: "message", reason: "Instagram marked the message unsupported" }];
  const story = message.reply_to?.story;
  if (story)
    return [
      stripUndefined({
        kind: "story_reply" as const,
        story: stripUndefined({ id: story.id, url: story.url }),
        text: message.text,
      }),
    ];
  const attachments = (message.attachments ?? []).map((a, i) => attachmentContent(a, i));
  if (attachments.length > 0) {
    // Text and attachments rarely come together; when they do, the text rides on the first one.
    const [first, ...rest] = attachments;
    const withCaption =
      first.kind === "media" && message.text !== undefined ? { ...first, caption: message.text } : first;
    return [withCaption, ...rest];
  }
  if (message.text !== undefined) {
    return [stripUndefined({ kind: "text" as const, text: message.text, payload: message.quick_reply?.payload })];
  }
  return [{ kind: "unsupported", providerType: "message", reason: "message without text or attachments" }];
};
