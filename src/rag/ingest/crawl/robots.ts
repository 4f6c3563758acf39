/**
 * robots.txt as RFC 9309 defines it: groups of `user-agent` lines followed by `allow`/`disallow`
 * rules; the group naming our product token wins over `*`; among matching rules the longest path
 * wins and `allow` wins a tie; `*` matches any run of characters and a trailing `$` anchors the
 * end. `Sitemap:` lines are collected regardless of group. `Crawl-delay` (not in the RFC, widely
 * used) is read for the chosen group.
 */
export type RobotsRules = {
  isAllowed(pathAndQuery: string): boolean;
  sitemaps: string[];
  crawlDelaySeconds?: number;
};

type Rule = { allow: boolean; pattern: string; regex: RegExp };

const toRegex = (pattern: string): RegExp => {
  const anchored = pattern.endsWith("$");
  const body = (anchored ? pattern.slice(0, -1) : pattern)
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}${anchored ? "$" : ""}`);
};

/** Parses robots.txt text for the given product token (e.g. `xin`). Unknown lines are ignored. */
export const parseRobots = (text: string, productToken: string): RobotsRules => {
  const groups: { agents: string[]; rules: Rule[]; delay?: number }[] = [];
  const sitemaps: string[] = [];
  let current: { agents: string[]; rules: Rule[]; delay?: number } | undefined;
  let lastWasAgent = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, "").trim();
    const match = line.match(/^([A-Za-z-]+)\s*:\s*(.*)$/);
    if (!match) continue;
    const key = match[1].toLowerCase();
    const value = match[2].trim();
    if (key === "sitemap") {
      if (value !== "") sitemaps.push(value);
      continue;
    }
    if (key === "user-agent") {
      if (!lastWasAgent || !current) groups.push((current = { agents: [], rules: [] }));
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (!current) continue;
    if ((key === "allow" || key === "disallow") && value !== "")
      current.rules.push({ allow: key === "allow", pattern: value, regex: toRegex(value) });
    if (key === "crawl-delay" && Number.isFinite(Number(value))) current.delay = Number(value);
  }
  const token = productToken.toLowerCase();
  const mine = groups.filter((g) => g.agents.includes(token));
  const chosen = mine.length > 0 ? mine : groups.filter((g) => g.agents.includes("*"));
  const rules = chosen.flatMap((g) => g.rules);
  const delay = chosen.find((g) => g.delay !== undefined)?.delay;
  return {
    sitemaps,
    ...(delay === undefined ? {} : { crawlDelaySeconds: delay }),
    isAllowed(pathAndQuery) {
      let best: Rule | undefined;
      for (const rule of rules) {
        if (!rule.regex.test(pathAndQuery)) continue;
        const longer = !best || rule.pattern.length > best.pattern.length;
        const tieAllow = best !== undefined && rule.pattern.length === best.pattern.length && rule.allow;
        if (longer || tieAllow) best = rule;
      }
      return best?.allow ?? true;
    },
  };
};
