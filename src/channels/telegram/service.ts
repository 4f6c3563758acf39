/**
 * Telegram service messages: notices Telegram writes into a chat about the chat itself (a message was
 * pinned, someone joined or left, a topic was opened, a video chat started). They arrive as `message`
 * updates but no customer wrote them, so they are neither stored as customer messages nor answered.
 * Things a customer does through a button the bot offered (`users_shared`, `chat_shared`,
 * `web_app_data`, a payment) are not here: those are the customer's input.
 */
const SERVICE_FIELDS = [
  "pinned_message",
  "new_chat_members",
  "left_chat_member",
  "new_chat_title",
  "new_chat_photo",
  "delete_chat_photo",
  "group_chat_created",
  "supergroup_chat_created",
  "channel_chat_created",
  "message_auto_delete_timer_changed",
  "migrate_to_chat_id",
  "migrate_from_chat_id",
  "proximity_alert_triggered",
  "boost_added",
  "chat_background_set",
  "forum_topic_created",
  "forum_topic_edited",
  "forum_topic_closed",
  "forum_topic_reopened",
  "general_forum_topic_hidden",
  "general_forum_topic_unhidden",
  "giveaway_created",
  "giveaway_completed",
  "video_chat_scheduled",
  "video_chat_started",
  "video_chat_ended",
  "video_chat_participants_invited",
  "write_access_allowed",
  "connected_website",
] as const;

/** The service field a message carries (`pinned_message`, …), or undefined for a message someone wrote. */
export const serviceKindOf = (message: Record<string, unknown>): string | undefined =>
  SERVICE_FIELDS.find((f) => f in message);
