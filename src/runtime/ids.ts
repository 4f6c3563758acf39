import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

/**
 * A new id: `<prefix>_` + 10 chars of milliseconds + 12 random chars. Sortable by creation time,
 * unguessable enough for URLs (60 random bits), and the prefix tells what it names (`ten_`, `brd_`).
 */
export const newId = (prefix: string): string => {
  let time = Date.now();
  let head = "";
  for (let i = 0; i < 10; i++) {
    head = ALPHABET[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(12);
  let tail = "";
  for (const b of bytes) tail += ALPHABET[b % 32];
  return `${prefix}_${head}${tail}`;
};
