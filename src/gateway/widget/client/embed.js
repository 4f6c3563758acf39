// xin chat widget — runs on the customer's site. Served by GET /embed.js?brand=<id>, which wraps this
// file as `(function (CONFIG) { … })({ brand, base, settings })`. Everything lives in a Shadow DOM so
// the page's CSS and ours never meet. Message text only ever goes into `textContent`.
// Protocol: see src/gateway/widget/protocol.ts.
var doc = document;
var script = doc.currentScript;
var base = script && script.src ? new URL(script.src).origin : CONFIG.base;
var brand = CONFIG.brand;
var settings = CONFIG.settings;
var storeKey = "xin.widget." + brand;
var token = readToken();
var ws = null;
var mode = "socket"; // "socket" | "http"
var failedOpens = 0;
var everOpened = false; // a socket that worked on this page and dropped is a restart, not a network without WebSockets
var retryMs = 1000;
// Frames not yet acknowledged, resent after a reconnect (same ids: no duplicates). Kept in localStorage
// with their text, so a message typed while the server restarts survives a reload of the page too.
var pending = readPending();
var seen = {};
var typingTimer = 0;
var pollTimer = 0;
var isOpen = false;
var presence = { state: "bot" };
// The unread badge: replies that arrived while the panel was closed, counted against the newest
// message the visitor has seen (kept across reloads, so a reply that came while away still counts).
var unread = 0;
var lastSeen = readKey(".seen");
var heldEmail = ""; // typed before the visitor's first message: sent once there is a conversation
var visitorSpoke = false;
var newestAt = "";

function readToken() {
  try { return localStorage.getItem(storeKey) || ""; } catch (e) { return ""; }
}
function readKey(suffix) {
  try { return localStorage.getItem(storeKey + suffix) || ""; } catch (e) { return ""; }
}
function writeKey(suffix, value) {
  try { localStorage.setItem(storeKey + suffix, value); } catch (e) { /* private mode: lasts this page */ }
}
function readPending() {
  try {
    var list = JSON.parse(localStorage.getItem(storeKey + ".pending") || "[]");
    return Array.isArray(list) ? list.filter(function (p) { return p && p.frame && typeof p.frame.id === "string"; }) : [];
  } catch (e) { return []; }
}
function savePending() {
  try { localStorage.setItem(storeKey + ".pending", JSON.stringify(pending)); } catch (e) { /* private mode: pending lasts this page */ }
}
function settle(id) {
  pending = pending.filter(function (p) { return p.frame.id !== id; });
  savePending();
  if (!pending.length) showStatus(""); // an "offline" note from a deferred send is over (an error sets its own after)
}
function saveToken(t) {
  token = t;
  try { localStorage.setItem(storeKey, t); } catch (e) { /* private mode: history lasts this page */ }
}
function el(tag, cls, attrs) {
  var n = doc.createElement(tag);
  if (cls) n.className = cls;
  for (var k in attrs || {}) n.setAttribute(k, attrs[k]);
  return n;
}
function newId() {
  var a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
}

var ICON_CHAT = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.6.5-1.3.1-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z"/></svg>';
var ICON_CLOSE = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6.7 5.3 12 10.6l5.3-5.3 1.4 1.4-5.3 5.3 5.3 5.3-1.4 1.4-5.3-5.3-5.3 5.3-1.4-1.4 5.3-5.3-5.3-5.3z"/></svg>';
var ICON_CLIP = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6.5 8.6 14.4a1.8 1.8 0 0 0 2.5 2.5l8-8a3.6 3.6 0 0 0-5.1-5.1l-8.3 8.3a5.4 5.4 0 0 0 7.6 7.6l7.2-7.2-1.4-1.4-7.2 7.2a3.4 3.4 0 0 1-4.8-4.8l8.3-8.3a1.6 1.6 0 0 1 2.3 2.3l-8 8-.1-.1 7.9-7.9z"/></svg>';
var ICON_SEND = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3.4 20.4 21 12 3.4 3.6l-.1 6.6L15 12 3.3 13.8z"/></svg>';

var CSS = [
  ":host{all:initial}",
  "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif,'Apple Color Emoji','Segoe UI Emoji','Noto Color Emoji'}",
  ".root{position:fixed;bottom:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:12px}",
  ".root.right{right:20px}.root.left{left:20px;align-items:flex-start}",
  ".launcher{width:58px;height:58px;border-radius:50%;border:0;cursor:pointer;background:var(--xin-color);color:var(--xin-text);box-shadow:0 6px 20px rgba(15,23,42,.25);display:grid;place-items:center;transition:transform .15s}",
  ".launcher:hover{transform:scale(1.05)}.launcher svg{width:28px;height:28px;fill:currentColor}",
  "button:focus-visible,textarea:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}",
  ".panel{width:min(370px,calc(100vw - 40px));height:min(560px,calc(100vh - 110px));background:#fff;border-radius:18px;box-shadow:0 18px 50px rgba(15,23,42,.28);display:flex;flex-direction:column;overflow:hidden;color:#0f172a}",
  ".panel[hidden]{display:none}",
  ".head{background:var(--xin-color);color:var(--xin-text);padding:16px 16px 16px 18px;display:flex;align-items:center;gap:12px}",
  ".avatar{width:38px;height:38px;border-radius:50%;background:rgba(255,255,255,.22);display:grid;place-items:center;font-weight:700;font-size:16px}",
  ".titles{flex:1;min-width:0}.title{margin:0;font-size:16px;font-weight:650;line-height:1.25}.subtitle{margin:2px 0 0;font-size:12.5px;opacity:.85}",
  ".close{background:transparent;border:0;color:inherit;width:34px;height:34px;border-radius:50%;cursor:pointer;display:grid;place-items:center}",
  ".close:hover{background:rgba(255,255,255,.18)}.close svg{width:20px;height:20px;fill:currentColor}",
  ".log{flex:1;overflow-y:auto;padding:18px 14px;background:#f8fafc;display:flex;flex-direction:column;gap:8px}",
  ".msg{display:flex;flex-direction:column;max-width:82%}.msg.visitor{align-self:flex-end;align-items:flex-end}.msg.assistant{align-self:flex-start}",
  ".bubble{padding:9px 13px;border-radius:16px;font-size:14.5px;line-height:1.45;white-space:pre-wrap;overflow-wrap:anywhere}",
  ".visitor .bubble{background:var(--xin-color);color:var(--xin-text);border-bottom-right-radius:5px}",
  ".assistant .bubble{background:#fff;border:1px solid #e2e8f0;border-bottom-left-radius:5px}",
  ".msg.pending .bubble{opacity:.6}.msg.failed .bubble{outline:1px solid #ef4444}",
  ".chips{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}",
  ".chip{border:1px solid var(--xin-color);color:var(--xin-color);background:#fff;border-radius:999px;padding:5px 11px;font-size:13px;cursor:pointer}",
  ".typing .bubble{display:flex;gap:4px;padding:12px 14px}.dot{width:7px;height:7px;border-radius:50%;background:#94a3b8;animation:b 1.2s infinite}",
  ".dot:nth-child(2){animation-delay:.15s}.dot:nth-child(3){animation-delay:.3s}@keyframes b{0%,60%,100%{transform:none;opacity:.5}30%{transform:translateY(-4px);opacity:1}}",
  ".status{font-size:12.5px;color:#b91c1c;padding:0 16px;min-height:0}.status:not(:empty){padding:8px 16px;background:#fef2f2}",
  ".form{display:flex;align-items:flex-end;gap:8px;padding:12px;border-top:1px solid #e2e8f0;background:#fff}",
  ".input{flex:1;resize:none;border:1px solid #cbd5e1;border-radius:12px;padding:10px 12px;font-size:14.5px;line-height:1.4;max-height:120px;color:#0f172a;background:#fff}",
  ".send{width:42px;height:42px;border-radius:12px;border:0;background:var(--xin-color);color:var(--xin-text);cursor:pointer;display:grid;place-items:center}",
  ".send:disabled{opacity:.45;cursor:default}.send svg{width:20px;height:20px;fill:currentColor}",
  ".brandline{font-size:11px;color:#94a3b8;text-align:center;padding:0 0 8px;background:#fff}",
  ".launcher{position:relative}.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center;box-shadow:0 0 0 2px #fff}",
  ".badge[hidden]{display:none}",
  ".avatar{position:relative}.avatar.live::after{content:'';position:absolute;right:0;bottom:0;width:10px;height:10px;border-radius:50%;background:#22c55e;box-shadow:0 0 0 2px var(--xin-color)}",
  ".who{display:flex;align-items:center;gap:6px;font-size:12px;color:#475569;margin:0 0 3px 2px}",
  ".who .initials{width:20px;height:20px;border-radius:50%;background:#0f172a;color:#fff;display:grid;place-items:center;font-size:10px;font-weight:700}",
  ".who b{color:#0f172a;font-weight:600}",
  ".agent .bubble{background:#fff;border:1px solid #cbd5e1;border-left:3px solid var(--xin-color)}",
  ".away{align-self:stretch;background:#fffbeb;border:1px solid #fde68a;border-radius:12px;padding:10px 12px;font-size:13.5px;line-height:1.45;color:#78350f}",
  ".away p{margin:0 0 8px}.away form{display:flex;gap:6px}.away input{flex:1;min-width:0;border:1px solid #d6d3d1;border-radius:8px;padding:7px 9px;font-size:13.5px;color:#0f172a;background:#fff}",
  ".away button{border:0;border-radius:8px;padding:7px 12px;background:var(--xin-color);color:var(--xin-text);font-size:13px;cursor:pointer}.away .done{margin:0;font-weight:600}.away .err{margin:6px 0 0;color:#b91c1c}",
  ".attach{width:42px;height:42px;border-radius:12px;border:1px solid #cbd5e1;background:#fff;color:#475569;cursor:pointer;display:grid;place-items:center;flex:none}",
  ".attach svg{width:20px;height:20px;fill:currentColor}.attach:hover{background:#f1f5f9}.attach[hidden]{display:none}",
  ".files{display:flex;flex-direction:column;gap:6px;margin-top:4px}.msg.visitor .files{align-items:flex-end}",
  ".file-img{display:block;max-width:220px;max-height:220px;border-radius:12px;border:1px solid #e2e8f0;background:#fff;object-fit:cover}",
  ".file{display:inline-flex;align-items:center;gap:8px;padding:8px 12px;border-radius:12px;border:1px solid #e2e8f0;background:#fff;color:#0f172a;font-size:13.5px;text-decoration:none;max-width:240px}",
  ".file .ext{font-size:10.5px;font-weight:700;color:#fff;background:#dc2626;border-radius:4px;padding:2px 5px}.file .fname{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}",
].join("\n");

// ---- DOM -----------------------------------------------------------------------------------------
var host = el("div", "", { id: "xin-chat-widget" });
var shadow = host.attachShadow({ mode: "open" });
var style = el("style");
style.textContent = CSS;
var root = el("div", "root " + (settings.position === "left" ? "left" : "right"));
root.style.setProperty("--xin-color", settings.color);
root.style.setProperty("--xin-text", settings.text_color);
var panel = el("div", "panel", { role: "dialog", "aria-labelledby": "xin-title", id: "xin-panel", lang: settings.language });
panel.hidden = true;
var head = el("div", "head");
var avatar = el("div", "avatar", { "aria-hidden": "true" });
var titles = el("div", "titles");
var title = el("h2", "title", { id: "xin-title" });
var subtitle = el("p", "subtitle");
var closeBtn = el("button", "close", { type: "button" });
closeBtn.innerHTML = ICON_CLOSE; // static markup, no user text
var log = el("div", "log", { role: "log", "aria-live": "polite", tabindex: "0" });
var status = el("div", "status", { role: "status" });
var form = el("form", "form");
var input = el("textarea", "input", { rows: "1", maxlength: "2000" });
var attachBtn = el("button", "attach", { type: "button" });
attachBtn.innerHTML = ICON_CLIP; // static markup, no user text
var fileInput = el("input", "", { type: "file", hidden: "", accept: (settings.uploads && settings.uploads.types || []).join(",") });
var sendBtn = el("button", "send", { type: "submit" });
sendBtn.innerHTML = ICON_SEND;
var brandline = el("div", "brandline");
brandline.textContent = "Powered by xin";
var launcher = el("button", "launcher", { type: "button", "aria-expanded": "false", "aria-controls": "xin-panel" });
launcher.innerHTML = ICON_CHAT;
var badge = el("span", "badge", { "aria-hidden": "true" });
badge.hidden = true;
launcher.append(badge);
titles.append(title, subtitle);
head.append(avatar, titles, closeBtn);
form.append(attachBtn, fileInput, input, sendBtn);
panel.append(head, log, status, form, brandline);
root.append(panel, launcher);
shadow.append(style, root);
var typingRow = bubbleRow("assistant typing", "");
typingRow.bubble.textContent = "";
for (var i = 0; i < 3; i++) typingRow.bubble.append(el("span", "dot"));
typingRow.row.setAttribute("aria-label", "typing");

function applySettings(s) {
  settings = s;
  title.textContent = s.title;
  showPresence();
  avatar.textContent = (s.title || "?").trim().charAt(0).toUpperCase();
  input.placeholder = s.placeholder;
  panel.setAttribute("lang", s.language);
  closeBtn.setAttribute("aria-label", s.labels.close);
  log.setAttribute("aria-label", s.labels.messages);
  input.setAttribute("aria-label", s.labels.message);
  sendBtn.setAttribute("aria-label", s.labels.send);
  attachBtn.setAttribute("aria-label", s.labels.attach);
  attachBtn.title = s.labels.attach;
  attachBtn.hidden = !s.uploads;
  labelLauncher();
  showAway();
  root.style.setProperty("--xin-color", s.color);
  root.style.setProperty("--xin-text", s.text_color);
}
// The header says who answers: a person by name once one holds the conversation, that one is coming
// after a hand-over, that the team is away outside business hours, else the brand's own subtitle.
function showPresence() {
  var s = settings;
  var text = s.subtitle;
  if (presence.state === "agent") text = s.labels.with_agent.replace("%s", presence.agent || s.labels.person);
  else if (presence.state === "waiting") text = s.labels.waiting;
  else if (s.away) text = s.away.note.split(/(?<=[.!?])\s/)[0];
  subtitle.textContent = text;
  avatar.classList.toggle("live", presence.state === "agent");
  avatar.textContent = presence.state === "agent" ? initials(presence.agent || s.labels.person) : (s.title || "?").trim().charAt(0).toUpperCase();
}
function initials(name) {
  var parts = String(name).trim().split(/\s+/);
  return ((parts[0] || "?").charAt(0) + (parts.length > 1 ? parts[parts.length - 1].charAt(0) : "")).toUpperCase();
}
function labelLauncher() {
  var s = settings;
  var label = (isOpen ? s.labels.close : s.labels.open) + ": " + s.title;
  if (unread && !isOpen) label += " (" + s.labels.unread.replace("%d", String(unread)) + ")";
  launcher.setAttribute("aria-label", label);
  badge.textContent = unread > 9 ? "9+" : String(unread);
  badge.hidden = !unread || isOpen;
}
function markSeen(at) {
  if (at && at > lastSeen) { lastSeen = at; writeKey(".seen", at); }
}
// Outside business hours: the brand's note, and an optional e-mail field (once saved, not asked again).
var awayCard = null;
function showAway() {
  var away = settings.away;
  if (!away) { if (awayCard) awayCard.remove(); awayCard = null; return; }
  if (awayCard) return;
  awayCard = el("div", "away", { role: "note" });
  var note = el("p");
  note.textContent = away.note;
  awayCard.append(note);
  var saved = readKey(".email");
  if (saved) awayCard.append(emailDone(saved));
  else if (away.ask_email) awayCard.append(emailForm());
  log.insertBefore(awayCard, log.querySelector(".greeting") ? log.querySelector(".greeting").nextSibling : log.firstChild);
}
function emailDone(email) {
  var p = el("p", "done");
  p.textContent = settings.labels.email_saved.replace("%s", email);
  return p;
}
function emailForm() {
  var f = el("form", "email-form");
  var label = el("p");
  label.textContent = settings.labels.email_ask;
  var field = el("input", "", { type: "email", autocomplete: "email", placeholder: "name@example.com", "aria-label": settings.labels.email_ask });
  var save = el("button", "", { type: "submit" });
  save.textContent = settings.labels.email_save;
  var row = el("div");
  row.style.display = "flex";
  row.style.gap = "6px";
  row.append(field, save);
  f.style.display = "block";
  f.append(label, row);
  f.addEventListener("submit", function (e) {
    e.preventDefault();
    var value = field.value.trim();
    if (!value) return;
    if (!visitorSpoke) { heldEmail = value; return showEmailNote(settings.labels.email_saved.replace("%s", value)); }
    sendEmail(value);
  });
  return f;
}
function showEmailNote(text, isError) {
  if (!awayCard) return;
  var old = awayCard.querySelector(".err");
  if (old) old.remove();
  var p = el("p", isError ? "err" : "done");
  p.textContent = text;
  awayCard.append(p);
}
function sendEmail(value) {
  heldEmail = "";
  if (mode === "socket") { if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "email", email: value })); return; }
  post("/widget/email", { token: token, email: value }).then(function (r) { onFrame(r.ok ? r.body : r.body.error); }, function () { showStatus(settings.labels.offline); });
}
function onEmailSaved(email) {
  writeKey(".email", email);
  if (!awayCard) return;
  var f = awayCard.querySelector(".email-form");
  if (f) f.remove();
  awayCard.querySelectorAll(".done,.err").forEach(function (n) { n.remove(); });
  awayCard.append(emailDone(email));
}
applySettings(settings);

// ---- rendering -----------------------------------------------------------------------------------
function bubbleRow(cls, text) {
  var row = el("div", "msg " + cls);
  var bubble = el("div", "bubble");
  bubble.textContent = text;
  row.append(bubble);
  return { row: row, bubble: bubble };
}
function scrollDown() { log.scrollTop = log.scrollHeight; }
function render(m) {
  if (m.client_id && pending.some(function (p) { return p.frame.id === m.client_id; })) settle(m.client_id); // stored before its ack was lost
  if (seen[m.id]) return;
  var mine = m.client_id && log.querySelector('[data-client="' + m.client_id + '"]');
  if (mine) mine.remove();
  dropStream(m.id);
  if (m.stream_id) dropStream(m.stream_id); // the stored reply replaces the draft streamed while it was written
  seen[m.id] = true;
  var isAgent = m.role === "assistant" && typeof m.agent === "string";
  var r = bubbleRow(m.role + (isAgent ? " agent" : ""), m.text);
  r.row.dataset.id = m.id;
  if (!m.text) r.bubble.remove(); // a file without a caption: only the file shows
  var before = typingRow.row.isConnected ? typingRow.row.previousElementSibling : log.lastElementChild;
  if (isAgent) r.row.dataset.agent = m.agent;
  // A person wrote this: their name and initials, so it never reads as the assistant (once per run of
  // their messages, as Intercom and Crisp group them).
  if (isAgent && !(before && before.dataset && before.dataset.agent === m.agent)) {
    var who = el("div", "who");
    var ini = el("span", "initials", { "aria-hidden": "true" });
    ini.textContent = initials(m.agent || settings.labels.person);
    var name = el("b");
    name.textContent = m.agent || settings.labels.person;
    var tag = el("span");
    tag.textContent = "· " + settings.labels.person;
    who.append(ini, name, tag);
    r.row.prepend(who);
  }
  if (m.attachments && m.attachments.length) r.row.append(renderFiles(m.attachments));
  if (m.buttons && m.buttons.length) {
    var chips = el("div", "chips");
    m.buttons.forEach(function (b) {
      var c = el("button", "chip", { type: "button" });
      c.textContent = b.title;
      c.addEventListener("click", function () { submit({ type: "send", id: newId(), button: { id: b.id, title: b.title } }, b.title); });
      chips.append(c);
    });
    r.row.append(chips);
  }
  log.insertBefore(r.row, typingRow.row.isConnected ? typingRow.row : null);
  if (m.role === "assistant") setTyping(false);
  if (m.role === "visitor" && !visitorSpoke) { visitorSpoke = true; if (heldEmail) sendEmail(heldEmail); }
  if (m.at > newestAt) newestAt = m.at;
  if (isOpen) markSeen(m.at);
  else if (m.role === "assistant" && lastSeen && m.at > lastSeen) { unread++; labelLauncher(); }
  scrollDown();
}
// Files: an image shows inline, a PDF as a named chip; a visitor's upload is fetched with the visitor
// token (POST, no token in a URL), an agent's link is used as given when it is http(s).
function renderFiles(list) {
  var box = el("div", "files");
  list.forEach(function (f) {
    var isImage = /^image\//.test(f.mime_type);
    var node;
    if (isImage) node = el("img", "file-img", { alt: f.name, loading: "lazy" });
    else {
      node = el("a", "file", { target: "_blank", rel: "noopener noreferrer", download: f.name });
      var ext = el("span", "ext");
      ext.textContent = (f.name.split(".").pop() || "file").slice(0, 4).toUpperCase();
      var fname = el("span", "fname");
      fname.textContent = f.name;
      node.append(ext, fname);
      if (f.size) node.title = f.name + " (" + Math.max(1, Math.round(f.size / 1024)) + " KB)";
    }
    box.append(node);
    var apply = function (href) { if (isImage) node.src = href; else node.href = href; };
    if (f.sha256) {
      fetch(base + "/widget/file?brand=" + encodeURIComponent(brand), { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ token: token, sha256: f.sha256 }) })
        .then(function (r) { if (!r.ok) throw new Error("file"); return r.blob(); })
        .then(function (b) { apply(URL.createObjectURL(b)); scrollDown(); }, function () { node.classList.add("missing"); });
    } else if (f.url && /^https?:\/\//.test(f.url)) apply(f.url);
    if (isImage) node.addEventListener("load", scrollDown);
  });
  return box;
}
function renderDelta(id, text) {
  var row = log.querySelector('[data-stream="' + id + '"]');
  if (!row) {
    var r = bubbleRow("assistant", "");
    r.row.dataset.stream = id;
    log.insertBefore(r.row, typingRow.row.isConnected ? typingRow.row : null);
    row = r.row;
  }
  row.firstChild.textContent += text;
  setTyping(false);
  scrollDown();
}
function dropStream(id) {
  var row = log.querySelector('[data-stream="' + id + '"]');
  if (row) row.remove();
}
function setTyping(on) {
  clearTimeout(typingTimer);
  if (on) {
    log.append(typingRow.row);
    typingTimer = setTimeout(function () { setTyping(false); }, 45000);
  } else if (typingRow.row.isConnected) typingRow.row.remove();
  scrollDown();
}
function showStatus(text) { status.textContent = text || ""; scrollDown(); }
function greet() {
  if (!log.querySelector(".greeting") && settings.greeting) log.prepend(bubbleRow("assistant greeting", settings.greeting).row);
}

// ---- transport -----------------------------------------------------------------------------------
function onFrame(f) {
  if (f.type === "ready") { saveToken(f.visitor_token); applySettings(f.settings); failedOpens = 0; retryMs = 1000; showStatus(""); flush(); }
  else if (f.type === "history") { onHistory(f.messages); }
  else if (f.type === "message") { if (f.message.client_id) settle(f.message.client_id); render(f.message); }
  else if (f.type === "delta") renderDelta(f.message_id, f.text);
  else if (f.type === "retract") dropStream(f.message_id); // that draft will not be sent: it leaves the screen
  else if (f.type === "typing") setTyping(f.on);
  else if (f.type === "presence") { presence = f; showPresence(); }
  else if (f.type === "email_saved") onEmailSaved(f.email);
  else if (f.type === "error" && f.code === "email_invalid") showEmailNote(f.message, true);
  else if (f.type === "error") onError(f);
}
function onHistory(messages) {
  messages.forEach(render);
  // A first visit (or one from before the badge existed): what is on screen now counts as seen.
  if (!lastSeen) markSeen(messages.length ? messages[messages.length - 1].at : new Date(0).toISOString());
  greet();
  showAway();
}
function onError(f) {
  // xin's store is briefly unreachable: nothing is lost — the message stays pending and is sent again
  // (with the same id, so one the server stored after all is not stored twice).
  if (f.code === "unavailable" && f.client_id) {
    showStatus(settings.labels.offline);
    setTimeout(function () {
      pending.forEach(function (p) { if (p.frame.id === f.client_id) transmit(p.frame); });
    }, f.retry_after_ms || 1000);
    return;
  }
  if (f.client_id) {
    settle(f.client_id);
    var row = log.querySelector('[data-client="' + f.client_id + '"]');
    if (row) { row.classList.remove("pending"); row.classList.add("failed"); }
  }
  showStatus(f.message);
}
function connect() {
  var url = base.replace(/^http/, "ws") + "/widget/ws?brand=" + encodeURIComponent(brand) + "&token=" + encodeURIComponent(token);
  var opened = false;
  ws = new WebSocket(url);
  ws.onopen = function () { opened = true; everOpened = true; };
  var socket = ws;
  var keepAlive = setInterval(function () {
    if (socket.readyState === 1) socket.send('{"type":"ping"}'); else clearInterval(keepAlive);
  }, 45000); // under the server's 120 s idle timeout
  ws.onmessage = function (e) { try { onFrame(JSON.parse(e.data)); } catch (err) { /* ignore a bad frame */ } };
  ws.onclose = function () {
    ws = null;
    if (!opened && !everOpened && ++failedOpens >= 2) return startHttp();
    if (pending.length) showStatus(settings.labels.offline);
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  };
}
function post(path, body) {
  return fetch(base + path + "?brand=" + encodeURIComponent(brand), { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(body) })
    .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, status: r.status, body: j }; }); });
}
function sync() {
  return post("/widget/sync", { token: token }).then(function (r) {
    if (!r.ok) throw new Error("sync");
    saveToken(r.body.visitor_token);
    applySettings(r.body.settings);
    onHistory(r.body.messages);
    if (r.body.presence) { presence = r.body.presence; showPresence(); }
    showStatus("");
  });
}
function startHttp() {
  mode = "http";
  sync().then(flush, function () { showStatus(settings.labels.unavailable); greet(); });
  clearInterval(pollTimer);
  // Every sync that reaches the server also sends what is still pending: a message typed while it was
  // unreachable goes out when it is back, whether or not the panel is open.
  pollTimer = setInterval(function () { if (isOpen || pending.length) sync().then(flush, function () { if (pending.length) showStatus(settings.labels.offline); }); }, 4000);
}
function flush() { pending.forEach(function (p) { transmit(p.frame); }); }
function transmit(frame) {
  if (mode === "socket") { if (ws && ws.readyState === 1) ws.send(JSON.stringify(frame)); return; }
  post("/widget/send", Object.assign({ token: token }, frame)).then(function (r) {
    // 503: the store is down; the message stays pending and the next sync sends it again.
    if (r.status === 503) return showStatus(settings.labels.offline);
    if (!r.ok) return onError(r.body.error && r.body.error.type === "error" ? r.body.error : { client_id: frame.id, message: settings.labels.failed });
    saveToken(r.body.visitor_token);
    settle(frame.id);
    r.body.messages.forEach(render);
    if (r.body.typing) setTyping(true);
  }, function () { showStatus(settings.labels.offline); });
}
function showPending(frame, text) {
  var r = bubbleRow("visitor pending", text);
  r.row.dataset.client = frame.id;
  log.insertBefore(r.row, typingRow.row.isConnected ? typingRow.row : null);
  scrollDown();
}
function submit(frame, text) {
  showPending(frame, text);
  pending.push({ frame: frame, text: text });
  savePending();
  transmit(frame);
}

// ---- interaction ---------------------------------------------------------------------------------
function open() {
  isOpen = true;
  panel.hidden = false;
  launcher.setAttribute("aria-expanded", "true");
  launcher.innerHTML = ICON_CLOSE;
  launcher.append(badge);
  unread = 0;
  markSeen(newestAt);
  labelLauncher();
  greet();
  scrollDown();
  input.focus();
}
function close() {
  isOpen = false;
  panel.hidden = true;
  launcher.setAttribute("aria-expanded", "false");
  launcher.innerHTML = ICON_CHAT;
  launcher.append(badge);
  labelLauncher();
  launcher.focus();
}
launcher.addEventListener("click", function () { if (isOpen) close(); else open(); });
closeBtn.addEventListener("click", close);
panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.stopPropagation(); close(); } });
input.addEventListener("keydown", function (e) {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
});
input.addEventListener("input", function () {
  sendBtn.disabled = !input.value.trim();
  input.style.height = "auto";
  input.style.height = Math.min(input.scrollHeight, 120) + "px";
});
form.addEventListener("submit", function (e) {
  e.preventDefault();
  var text = input.value;
  if (!text.trim()) return;
  input.value = "";
  sendBtn.disabled = true;
  input.style.height = "auto";
  submit({ type: "send", id: newId(), text: text }, text);
});
sendBtn.disabled = true;
attachBtn.addEventListener("click", function () { fileInput.click(); });
fileInput.addEventListener("change", function () {
  var file = fileInput.files && fileInput.files[0];
  fileInput.value = "";
  if (file) upload(file);
});
// A file goes up first (multipart: a CORS "simple" request), then a message names it by hash, with
// what is in the input as its caption. The server checks size and type again; its refusal is shown.
function upload(file) {
  var limits = settings.uploads;
  var id = newId();
  var caption = input.value.trim() ? input.value : "";
  var frame = { type: "send", id: id, file: null };
  // The name only, no emoji: a system without an emoji font would show a box.
  showPending(frame, file.name + (caption ? "\n" + caption : ""));
  var fail = function (message) {
    var row = log.querySelector('[data-client="' + id + '"]');
    if (row) { row.classList.remove("pending"); row.classList.add("failed"); }
    showStatus(message);
  };
  if (limits && limits.types.indexOf(file.type) < 0) return fail(settings.labels.file_type);
  if (limits && file.size > limits.max_bytes) return fail(settings.labels.file_size.replace("%d", String(Math.round(limits.max_bytes / 1048576))));
  input.value = "";
  sendBtn.disabled = true;
  var body = new FormData();
  body.append("token", token);
  body.append("file", file, file.name);
  fetch(base + "/widget/upload?brand=" + encodeURIComponent(brand), { method: "POST", body: body })
    .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
    .then(function (r) {
      if (!r.ok) return fail((r.body.error && r.body.error.message) || settings.labels.failed);
      frame = { type: "send", id: id, file: { sha256: r.body.file.sha256, name: r.body.file.name } };
      if (caption) frame.text = caption;
      pending.push({ frame: frame, text: file.name });
      savePending();
      transmit(frame);
    }, function () { fail(settings.labels.offline); });
}

function mount() {
  doc.body.append(host);
  pending.forEach(function (p) { showPending(p.frame, String(p.text || "")); });
  connect();
}
if (doc.body) mount(); else doc.addEventListener("DOMContentLoaded", mount);
