/**
 * Names of uploaded knowledge files. Through the API a file arrives as content plus a name: the path
 * relative to the folder that was ingested (`faq/returns.md`), which becomes its source name. A name
 * is never a server path: absolute paths, `..` segments, backslashes, control characters and URLs
 * are refused, so a name can neither point at a file on the server nor pass for a crawled page.
 */
const MAX_NAME = 512;

/** Why `name` is not an upload name, or null when it is one. */
export const uploadNameIssue = (name: string): string | null => {
  if (name.length === 0 || name.length > MAX_NAME) return `must be 1–${MAX_NAME} characters`;
  if (/[\u0000-\u001f\u007f\\]/.test(name)) return "must not contain control characters or backslashes";
  if (!name.isWellFormed()) return "must be valid Unicode (it has an unpaired UTF-16 surrogate)";
  if (name.startsWith("/") || /^[a-z]:/i.test(name))
    return "must be a path relative to the ingested folder, not an absolute path";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(name)) return "must be a file name, not a URL (send URLs in inputs)";
  if (name.split("/").some((part) => part === "" || part === "." || part === ".."))
    return "must not contain empty, . or .. segments";
  return null;
};

/** Whether a stored source came from an upload (its name is relative), not a server path or a URL. */
export const isUploadSource = (source: string): boolean => uploadNameIssue(source) === null;

/** Looks like a server path rather than an http(s) URL: what the API refuses in `inputs`. */
export const isHttpUrl = (input: string): boolean => /^https?:\/\//i.test(input);
