import { expect, test } from "bun:test";
import { embedScript, snippetOf } from "./embed";
import { resolveSettings } from "./settings";

test("settings baked into embed.js cannot close the script element or break out of the JSON", () => {
  const settings = resolveSettings("Evil</script><script>alert(1)</script>\u2028", "en", { greeting: "<!-- hi" });
  const script = embedScript("brd_1", "http://127.0.0.1:8080", settings);
  expect(script).not.toContain("</script>");
  expect(script).not.toContain("<!--");
  expect(script).not.toContain("\u2028");
  const json = script.slice(script.lastIndexOf("})(") + 3, script.lastIndexOf(");"));
  expect(JSON.parse(json).settings.title).toBe("Evil</script><script>alert(1)</script>\u2028");
});

test("brand settings: defaults by language, bad values fall back instead of failing", () => {
  expect(resolveSettings("Acme", "de", {})).toMatchObject({
    title: "Acme",
    greeting: "Hallo! Wie können wir helfen?",
    position: "right",
    color: "#4f46e5",
  });
  expect(
    resolveSettings("Acme", "en", { color: "red;background:url(x)", position: "middle", title: "" }),
  ).toMatchObject({ title: "Acme", color: "#4f46e5", position: "right" });
  expect(resolveSettings("Acme", undefined, { language: "fr", position: "left" })).toMatchObject({
    language: "fr",
    position: "left",
    placeholder: "Écrire un message…",
  });
});

test("the snippet is one async script tag with the brand id URL-encoded and attribute-escaped", () => {
  expect(snippetOf("https://chat.example.com/", "brd_1")).toBe(
    '<script src="https://chat.example.com/embed.js?brand=brd_1" async></script>',
  );
  expect(snippetOf("https://x.example", 'a"b&c')).toBe(
    '<script src="https://x.example/embed.js?brand=a%22b%26c" async></script>',
  );
});
