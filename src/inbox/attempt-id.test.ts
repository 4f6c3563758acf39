import { expect, test } from "bun:test";
import { newId } from "../runtime";
import { attemptMessageId, newAttemptId } from "./attempt-id";

test("an attempt id names its message, and two attempts of one message differ", () => {
  const message = newId("msg");
  const [a, b] = [newAttemptId(message), newAttemptId(message)];
  expect(a).toStartWith("att_");
  expect(a).not.toBe(b);
  expect(attemptMessageId(a)).toBe(message);
  expect(attemptMessageId(b)).toBe(message);
  expect(a.length).toBeLessThanOrEqual(512);
});

test("an attempt id xin did not make this way names no message", () => {
  expect(attemptMessageId("att_0123456789abcdefghjkmnpq")).toBeNull();
  expect(attemptMessageId("msg_x.y")).toBeNull();
  expect(attemptMessageId("att_.y")).toBeNull();
  expect(attemptMessageId("")).toBeNull();
});
