// The moderator console: sign-in, the live review queue, one item with its decisions and actions,
// the audit log and the team's stats.
//
// API: app/mod_api.py (`/api/mod/...`, bearer token); live feed: app/mod_ws.py (`/mod/ws`). Every text
// that came from a person (messages, handles, reasons, names) is put in the page with textContent only.

import { Link } from "./chat-link.js";

const TOKEN_KEY = "peerchat.mod_token"; // per tab: closing the tab forgets the sign-in
const RENEW_EVERY_MS = 60_000; // claims are 2-minute leases; renew while the item is open here
const AUDIT_PAGE = 20;
const CLOSE_UNAUTHORIZED = 4001;
const TITLE = "peerchat moderators";

const KIND_LABELS = { escalation: "Crisis", held: "Held", report: "Report", flag: "Flag" };
const DONE_LABELS = {
  approve: "Approved: the message is published.",
  edit_approve: "Edited and approved: the edited message is published.",
  reject: "Rejected: the author was told it was not published.",
  delete: "Deleted: the message is gone from the room.",
  dismiss: "Dismissed: no action taken.",
  handoff: "Handed off.",
};

const $ = (id) => document.getElementById(id);
const ui = {
  tabs: $("tabs"),
  tabOpenCount: $("tab-open-count"),
  connection: $("connection"),
  whoBox: $("who-box"),
  who: $("who"),
  whoRole: $("who-role"),
  signOut: $("sign-out"),
  main: $("main"),
  signinView: $("signin-view"),
  signinForm: $("signin-form"),
  signinName: $("signin-name"),
  signinSecret: $("signin-secret"),
  signinError: $("signin-error"),
  signinSubmit: $("signin-submit"),
  queueView: $("queue-view"),
  openTotal: $("open-total"),
  counts: $("counts"),
  queue: $("queue"),
  queueEmpty: $("queue-empty"),
  itemPlaceholder: $("item-placeholder"),
  item: $("item"),
  itemKind: $("item-kind"),
  itemTitle: $("item-title"),
  itemMeta: $("item-meta"),
  itemLock: $("item-lock"),
  itemAuthor: $("item-author"),
  itemText: $("item-text"),
  itemCategories: $("item-categories"),
  itemReasons: $("item-reasons"),
  itemReportsRow: $("item-reports-row"),
  itemReports: $("item-reports"),
  itemPublished: $("item-published"),
  itemBefore: $("item-before"),
  itemRecent: $("item-recent"),
  claim: $("claim"),
  release: $("release"),
  result: $("result"),
  decisions: $("decisions"),
  authorActions: $("author-actions"),
  approve: $("approve"),
  rejectForm: $("reject-form"),
  rejectReason: $("reject-reason"),
  editForm: $("edit-form"),
  editText: $("edit-text"),
  deleteButton: $("delete"),
  dismiss: $("dismiss"),
  handoffForm: $("handoff-form"),
  handoffTo: $("handoff-to"),
  moderatorNames: $("moderator-names"),
  warnForm: $("warn-form"),
  warnMessage: $("warn-message"),
  muteForm: $("mute-form"),
  muteMinutes: $("mute-minutes"),
  muteScope: $("mute-scope"),
  kick: $("kick"),
  banForm: $("ban-form"),
  banMinutes: $("ban-minutes"),
  actionReason: $("action-reason"),
  auditView: $("audit-view"),
  auditTitle: $("audit-title"),
  auditFilter: $("audit-filter"),
  auditOf: $("audit-of"),
  auditScope: $("audit-scope"),
  auditRows: $("audit-rows"),
  auditStatus: $("audit-status"),
  auditNewer: $("audit-newer"),
  auditOlder: $("audit-older"),
  auditPage: $("audit-page"),
  statsView: $("stats-view"),
  statsTitle: $("stats-title"),
  statsRefresh: $("stats-refresh"),
  statsOpen: $("stats-open"),
  statsClaim: $("stats-claim"),
  statsDecide: $("stats-decide"),
  statsStatus: $("stats-status"),
  announcer: $("announcer"),
  alerter: $("alerter"),
};

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  me: null, // {name, role}
  items: new Map(), // id -> active item (open or claimed), from the feed
  rows: new Map(), // id -> <li> in the queue list
  openItem: null, // the item shown in the detail pane (may be resolved by now)
  renewTimer: null,
  view: "queue",
  audit: { cursors: [], current: null, next: null }, // cursors: the `before` of each newer page
  busy: false, // a request for the open item is under way
};

const link = new Link(feedUrl(), { onOpen: onFeedOpen, onFrame: onFeedFrame, onDown: onFeedDown });

// ---- HTTP API -----------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `The server answered ${status}.`);
    this.status = status;
    this.code = body?.code || "error";
    this.item = body?.item || null;
    this.retryAfter = null;
  }
}

async function api(method, path, body) {
  const headers = {};
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { code: "network", message: "The server could not be reached. Please try again." });
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    error.retryAfter = Number(response.headers.get("Retry-After")) || null;
    if (response.status === 401 && state.me !== null) endSession("Your sign-in has ended. Please sign in again.");
    throw error;
  }
  return data;
}

// ---- sign in and out ----------------------------------------------------------------------------

async function boot() {
  wire();
  if (!state.token) {
    showSignIn();
    return;
  }
  try {
    begin(await api("GET", "/api/mod/me"));
  } catch {
    forgetToken();
    showSignIn();
  }
}

function showSignIn(message = "") {
  for (const node of [ui.tabs, ui.connection, ui.whoBox, ui.queueView, ui.auditView, ui.statsView]) node.hidden = true;
  ui.signinView.hidden = false;
  ui.signinError.hidden = !message;
  ui.signinError.textContent = message;
  document.title = TITLE;
  ui.signinName.focus();
}

async function signIn(event) {
  event.preventDefault();
  const name = ui.signinName.value.trim();
  const secret = ui.signinSecret.value;
  if (!name || !secret) {
    signInError("Enter your name and your secret.");
    return;
  }
  ui.signinSubmit.disabled = true;
  try {
    const answer = await api("POST", "/api/mod/signin", { name, secret });
    state.token = answer.token;
    sessionStorage.setItem(TOKEN_KEY, answer.token);
    ui.signinSecret.value = "";
    ui.signinError.hidden = true;
    begin(answer.moderator);
  } catch (error) {
    let message = error.message;
    if (error.code === "too_many_attempts" && error.retryAfter) {
      message += ` You can try again in ${duration(error.retryAfter * 1000)}.`;
      setTimeout(() => { ui.signinSubmit.disabled = false; }, error.retryAfter * 1000);
      signInError(message);
      return;
    }
    signInError(message);
  }
  ui.signinSubmit.disabled = false;
}

function signInError(message) {
  ui.signinError.textContent = message;
  ui.signinError.hidden = false;
  ui.signinSecret.focus();
}

function begin(moderator) {
  state.me = moderator;
  ui.who.textContent = moderator.name;
  ui.whoRole.textContent = moderator.role === "admin" ? "admin" : "";
  ui.signinView.hidden = true;
  for (const node of [ui.tabs, ui.connection, ui.whoBox]) node.hidden = false;
  ui.auditFilter.hidden = moderator.role !== "admin";
  ui.auditScope.textContent = moderator.role === "admin"
    ? "Everyone's actions, newest first."
    : "Your own actions, newest first (admins see the whole team's).";
  setConnection("connecting", "Connecting…");
  link.start();
  show("queue");
  if (moderator.role === "admin") loadModeratorNames();
}

async function signOut() {
  try {
    await api("POST", "/api/mod/signout");
  } catch {
    /* the token is forgotten here either way */
  }
  endSession("You are signed out.");
}

function endSession(message) {
  link.stop();
  stopRenewing();
  forgetToken();
  state.me = null;
  state.items.clear();
  state.rows.clear();
  state.openItem = null;
  ui.queue.replaceChildren();
  ui.item.hidden = true;
  ui.itemPlaceholder.hidden = false;
  showSignIn(message);
}

function forgetToken() {
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
}

async function loadModeratorNames() {
  try {
    const { moderators } = await api("GET", "/api/mod/moderators");
    ui.moderatorNames.replaceChildren(
      ...moderators.filter((m) => !m.disabled).map((m) => {
        const option = document.createElement("option");
        option.value = m.name;
        return option;
      }),
    );
  } catch {
    /* suggestions only */
  }
}

// ---- the live feed ------------------------------------------------------------------------------

function feedUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/mod/ws`;
}

function setConnection(kind, text) {
  ui.connection.dataset.state = kind;
  if (ui.connection.textContent !== text) ui.connection.textContent = text;
}

function onFeedOpen() {
  // A browser cannot set headers on a websocket, so the token is the first frame.
  link.send({ type: "auth", token: state.token });
}

function onFeedDown(willRetry, code) {
  if (code === CLOSE_UNAUTHORIZED) {
    endSession("Your sign-in has ended. Please sign in again.");
    return;
  }
  if (willRetry) setConnection("offline", "Connection lost. Reconnecting…");
}

function onFeedFrame(frame) {
  if (frame.type === "snapshot") {
    link.healthy();
    setConnection("online", "Live");
    state.items = new Map(frame.items.map((item) => [item.id, item]));
    renderQueue();
    if (state.openItem) {
      const fresh = state.items.get(state.openItem.id);
      if (fresh) showItem(fresh, { keepInputs: true });
      else refreshOpenItem();
    }
  } else if (frame.type === "queue") {
    applyChange(frame.change, frame.item);
  } else if (frame.type === "error" && frame.code === "unauthenticated") {
    endSession("Your sign-in has ended. Please sign in again.");
  }
}

/** One change from any hub: latest wins by item id; resolved items leave the queue. */
function applyChange(change, item) {
  const known = state.items.has(item.id);
  if (item.state === "resolved") state.items.delete(item.id);
  else state.items.set(item.id, item);
  renderQueue();
  if (state.openItem?.id === item.id) showItem(item, { keepInputs: true });
  if (!known && item.state === "open" && (change === "new" || change === "updated")) {
    announceNew(item);
  } else if (change === "reannounced" && item.state === "open") {
    say(ui.alerter, `A crisis in ${item.room} is still waiting for a moderator.`);
  }
}

function announceNew(item) {
  if (item.kind === "escalation") say(ui.alerter, `New crisis item in ${item.room}.`);
  else say(ui.announcer, `New ${KIND_LABELS[item.kind].toLowerCase()} item in ${item.room}.`);
}

function say(region, text) {
  const line = document.createElement("p");
  line.textContent = text;
  region.append(line);
  while (region.childElementCount > 5) region.firstElementChild.remove();
}

// ---- the queue ----------------------------------------------------------------------------------

function queueOrder(a, b) {
  return b.priority - a.priority || a.created_ms - b.created_ms;
}

function renderQueue() {
  const items = [...state.items.values()].sort(queueOrder);
  for (const [id, row] of state.rows) {
    if (!state.items.has(id)) {
      row.remove();
      state.rows.delete(id);
    }
  }
  items.forEach((item, index) => {
    let row = state.rows.get(item.id);
    if (!row) {
      row = queueRow(item.id);
      state.rows.set(item.id, row);
    }
    fillRow(row, item);
    // Move only rows that are out of place, so a focused row keeps its focus.
    const here = ui.queue.children[index];
    if (here !== row) ui.queue.insertBefore(row, here ?? null);
  });
  ui.queueEmpty.hidden = items.length > 0;
  renderCounts(items);
}

function queueRow(id) {
  const row = document.createElement("li");
  row.className = "q-item";
  row.dataset.id = id;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "q-open";
  const top = document.createElement("span");
  top.className = "q-top";
  for (const name of ["kind-badge", "q-room", "q-age"]) {
    const part = document.createElement("span");
    part.className = name;
    top.append(part);
  }
  const text = document.createElement("span");
  text.className = "q-text";
  const who = document.createElement("span");
  who.className = "q-who";
  button.append(top, text, who);
  button.addEventListener("click", () => openItem(id, { focus: true }));
  row.append(button);
  return row;
}

function fillRow(row, item) {
  row.dataset.kind = item.kind;
  row.dataset.state = item.state;
  row.classList.toggle("crisis", item.kind === "escalation");
  row.classList.toggle("again", item.kind === "escalation" && item.announcements > 1 && item.state === "open");
  row.classList.toggle("mine", item.state === "claimed" && item.claimed_by === state.me?.name);
  const button = row.firstElementChild;
  if (state.openItem?.id === item.id) button.setAttribute("aria-current", "true");
  else button.removeAttribute("aria-current");
  const [badge, room, age] = button.firstElementChild.children;
  setText(badge, KIND_LABELS[item.kind] ?? item.kind);
  setText(room, item.room);
  setText(age, ago(item.created_ms));
  age.dataset.created = String(item.created_ms);
  setText(button.children[1], item.text);
  let who = `by ${item.author_handle}`;
  if (item.report_count > 0) who += ` · ${plural(item.report_count, "report")}`;
  if (item.state === "claimed") {
    who += item.claimed_by === state.me?.name ? " · you are handling it" : ` · ${item.claimed_by} is handling it`;
  } else if (item.kind === "escalation" && item.announcements > 1) {
    who += ` · still waiting (announced ${item.announcements} times)`;
  }
  setText(button.children[2], who);
}

function renderCounts(items) {
  const open = { escalation: 0, held: 0, report: 0, flag: 0, claimed: 0 };
  for (const item of items) {
    if (item.state === "open") open[item.kind] = (open[item.kind] ?? 0) + 1;
    else open.claimed += 1;
  }
  for (const li of ui.counts.children) {
    const n = open[li.dataset.kind] ?? 0;
    setText(li.querySelector(".n"), String(n));
    li.dataset.zero = n === 0 ? "true" : "false";
  }
  const waiting = items.filter((item) => item.state === "open").length;
  setText(ui.openTotal, waiting === 0 ? "" : `${waiting} waiting for someone`);
  setText(ui.tabOpenCount, waiting ? String(waiting) : "");
  document.title = waiting ? `(${waiting}) ${TITLE}` : TITLE;
}

function refreshAges() {
  for (const node of document.querySelectorAll("[data-created]")) {
    setText(node, ago(Number(node.dataset.created)));
  }
}

// ---- one item -----------------------------------------------------------------------------------

async function openItem(id, { focus = false } = {}) {
  const known = state.items.get(id);
  if (known) showItem(known, { keepInputs: false });
  if (focus) ui.itemTitle.focus();
  if (!known) await refreshOpenItem(id);
}

async function refreshOpenItem(id = state.openItem?.id) {
  if (!id) return;
  try {
    showItem(await api("GET", `/api/mod/items/${encodeURIComponent(id)}`), { keepInputs: true });
  } catch (error) {
    setResult(error.message, "error");
  }
}

function showItem(item, { keepInputs }) {
  const switched = state.openItem?.id !== item.id;
  state.openItem = item;
  ui.itemPlaceholder.hidden = true;
  ui.item.hidden = false;
  ui.item.dataset.kind = item.kind;
  ui.item.dataset.state = item.state;
  ui.item.dataset.id = item.id;
  ui.item.parentElement.classList.toggle("crisis", item.kind === "escalation");

  setText(ui.itemKind, item.kind === "escalation" ? "Crisis — a person may be in danger" : KIND_LABELS[item.kind]);
  setText(ui.itemTitle, `${KIND_LABELS[item.kind]} in ${item.room}`);
  setText(ui.itemMeta, `Queued ${ago(item.created_ms)} · priority ${item.priority}`);
  setText(ui.itemAuthor, item.author_handle);
  setText(ui.itemText, item.text);
  fillChips(ui.itemCategories, item.categories, "none");
  fillChips(ui.itemReasons, item.reasons, "—");
  ui.itemReportsRow.hidden = !item.report_count;
  const reasons = item.report_reasons.filter(Boolean);
  setText(ui.itemReports, item.report_count
    ? `${plural(item.report_count, "report")}${reasons.length ? `: ${reasons.join("; ")}` : ""}`
    : "");
  setText(ui.itemPublished, item.message_id ? "Yes, others can see it" : "No, nobody else has seen it");
  fillContext(ui.itemBefore, item.context?.before ?? [], "Nothing before it.");
  fillContext(ui.itemRecent, item.context?.author_recent ?? [], "No other recent messages.");

  if (switched || !keepInputs) {
    ui.editText.value = item.text;
    ui.rejectReason.value = "";
    ui.warnMessage.value = "";
    ui.actionReason.value = "";
    setResult("");
  }
  renderControls(item);
  for (const row of state.rows.values()) {
    const button = row.firstElementChild;
    if (row.dataset.id === item.id) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

function heldByMe(item) {
  return item.state === "claimed" && item.claimed_by === state.me?.name;
}

function heldByOther(item) {
  // A lapsed lease may be taken over, so it no longer locks anyone out.
  return item.state === "claimed" && item.claimed_by !== state.me?.name && (item.lease_until_ms ?? 0) > Date.now();
}

function renderControls(item) {
  const mine = heldByMe(item);
  const other = heldByOther(item);
  const resolved = item.state === "resolved";
  const published = item.message_id !== null;

  ui.claim.hidden = mine || resolved;
  ui.claim.disabled = other || state.busy;
  ui.release.hidden = !mine;
  ui.release.disabled = state.busy;
  ui.decisions.disabled = !mine || state.busy;
  ui.authorActions.disabled = !mine || state.busy;
  ui.decisions.hidden = resolved;
  ui.authorActions.hidden = resolved;
  for (const node of ui.decisions.querySelectorAll("[data-when]")) {
    node.hidden = node.dataset.when === "published" ? !published : published;
  }
  ui.handoffForm.hidden = item.kind !== "escalation";

  ui.itemLock.dataset.kind = resolved ? "resolved" : other ? "locked" : mine ? "mine" : "open";
  if (resolved) {
    const decision = item.decision ?? {};
    let text = `Decided: ${decision.action ?? "closed"}${decision.by ? ` by ${decision.by}` : ""}`;
    if (decision.to) text += ` to ${decision.to}`;
    setText(ui.itemLock, `${text}. Nothing more to do here.`);
  } else if (other) {
    setText(ui.itemLock, `${item.claimed_by} is handling this item. Its buttons are locked until they give it back `
      + `or their claim ends (${clock(item.lease_until_ms)}).`);
  } else if (mine) {
    setText(ui.itemLock, "You are handling this item. Your claim is renewed while it is open here.");
  } else {
    setText(ui.itemLock, "Nobody is handling this item yet. Claim it to act on it.");
  }

  if (mine) startRenewing(item.id);
  else stopRenewing();
}

function fillChips(list, values, empty) {
  const nodes = values.map((value) => {
    const chip = document.createElement("span");
    chip.className = "chip";
    chip.textContent = value;
    return chip;
  });
  if (nodes.length === 0) nodes.push(document.createTextNode(empty));
  list.replaceChildren(...nodes);
}

function fillContext(list, frames, empty) {
  const rows = frames.map((frame) => {
    const li = document.createElement("li");
    const who = document.createElement("span");
    who.className = "handle";
    who.textContent = frame.handle ?? frame.author_handle ?? "someone";
    const when = document.createElement("span");
    when.className = "when";
    const ts = frame.ts ?? frame.ts_ms ?? frame.sent_ms;
    when.textContent = typeof ts === "number" ? clock(ts) : "";
    const text = document.createElement("p");
    text.textContent = frame.text ?? "";
    li.append(who, when, text);
    return li;
  });
  list.replaceChildren(...rows);
  list.dataset.empty = empty;
}

// ---- claim, decide, act -------------------------------------------------------------------------

async function withItem(path, body, done) {
  const item = state.openItem;
  if (!item || state.busy) return;
  state.busy = true;
  renderControls(item);
  try {
    const answer = await api("POST", `/api/mod/items/${encodeURIComponent(item.id)}/${path}`, body);
    state.busy = false;
    if (answer && answer.id) {
      if (answer.state === "resolved") state.items.delete(answer.id);
      else state.items.set(answer.id, answer);
      renderQueue();
      if (state.openItem?.id === answer.id) showItem(answer, { keepInputs: true });
    }
    setResult(done(answer), "ok");
    // A decision hides the buttons, one of which had the focus: keep keyboard users in the item.
    if (answer?.state === "resolved" && !ui.item.contains(document.activeElement)) ui.itemTitle.focus();
  } catch (error) {
    state.busy = false;
    if (error.item) {
      if (error.item.state === "resolved") state.items.delete(error.item.id);
      else state.items.set(error.item.id, error.item);
      renderQueue();
      if (state.openItem?.id === error.item.id) showItem(error.item, { keepInputs: true });
    } else if (state.openItem) {
      renderControls(state.openItem);
    }
    setResult(error.message, "error");
  }
}

function setResult(text, kind = "") {
  ui.result.dataset.kind = kind;
  setText(ui.result, text);
}

function claim() {
  withItem("claim", undefined, () => "Claimed. It is yours for now; others see that you are handling it.");
}

function release() {
  withItem("release", undefined, () => "Given back to the queue.");
}

function decide(action, fields = {}) {
  withItem("decision", { action, ...fields }, (item) => {
    if (action === "handoff") return `Handed off to ${item?.decision?.to ?? fields.to}.`;
    return DONE_LABELS[action];
  });
}

function act(action, fields = {}) {
  const reason = ui.actionReason.value.trim();
  if (reason) fields.reason = reason;
  const handle = state.openItem?.author_handle ?? "the author";
  withItem("actions", { action, ...fields }, () => {
    switch (action) {
      case "warn": return `Warned ${handle}.`;
      case "mute": return `Muted ${handle} ${fields.scope === "everywhere" ? "everywhere" : "in this room"} for ${fields.minutes} minutes.`;
      case "kick": return `Removed ${handle} from the room.`;
      case "ban": return `Banned ${handle} for ${duration(fields.minutes * 60_000)}.`;
      default: return "Done.";
    }
  });
}

function minutesFrom(input) {
  const value = Math.round(Number(input.value));
  if (!Number.isFinite(value) || value < 1 || value > 525_600) {
    setResult("Enter a number of minutes between 1 and 525600.", "error");
    input.focus();
    return null;
  }
  return value;
}

function startRenewing(id) {
  if (state.renewTimer?.id === id) return;
  stopRenewing();
  const timer = setInterval(async () => {
    if (state.openItem?.id !== id || !heldByMe(state.openItem)) {
      stopRenewing();
      return;
    }
    try {
      const item = await api("POST", `/api/mod/items/${encodeURIComponent(id)}/claim`);
      state.items.set(item.id, item);
      if (state.openItem?.id === item.id) showItem(item, { keepInputs: true });
    } catch (error) {
      if (error.item && state.openItem?.id === error.item.id) showItem(error.item, { keepInputs: true });
      setResult(error.message, "error");
    }
  }, RENEW_EVERY_MS);
  state.renewTimer = { id, timer };
}

function stopRenewing() {
  if (state.renewTimer) clearInterval(state.renewTimer.timer);
  state.renewTimer = null;
}

// ---- views --------------------------------------------------------------------------------------

function show(view) {
  state.view = view;
  ui.queueView.hidden = view !== "queue";
  ui.auditView.hidden = view !== "audit";
  ui.statsView.hidden = view !== "stats";
  for (const tab of ui.tabs.querySelectorAll(".tab")) {
    if (tab.dataset.view === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  if (view === "audit") loadAudit(null, []);
  if (view === "stats") loadStats();
}

// ---- audit log ----------------------------------------------------------------------------------

async function loadAudit(before, cursors) {
  const params = new URLSearchParams({ limit: String(AUDIT_PAGE) });
  if (before) params.set("before", before);
  const of = ui.auditOf.value.trim();
  if (state.me?.role === "admin" && of) params.set("of", of);
  ui.auditNewer.disabled = true;
  ui.auditOlder.disabled = true;
  setText(ui.auditStatus, "Loading…");
  try {
    const page = await api("GET", `/api/mod/audit?${params}`);
    state.audit = { cursors, current: before, next: page.next_before };
    ui.auditRows.replaceChildren(...page.entries.map(auditRow));
    setText(ui.auditStatus, page.entries.length ? "" : "No actions recorded yet.");
    setText(ui.auditPage, `Page ${cursors.length + 1}`);
    ui.auditNewer.disabled = cursors.length === 0;
    ui.auditOlder.disabled = !page.next_before;
  } catch (error) {
    setText(ui.auditStatus, error.message);
    ui.auditNewer.disabled = state.audit.cursors.length === 0;
    ui.auditOlder.disabled = !state.audit.next;
  }
}

function auditRow(entry) {
  const row = document.createElement("tr");
  row.dataset.action = entry.action;
  const cells = [
    when(entry.ts_ms), entry.moderator, entry.action, entry.room ?? "", entry.target_handle ?? "", entry.reason ?? "",
    entry.item_id ?? "",
  ];
  for (const [index, value] of cells.entries()) {
    const cell = document.createElement("td");
    if (index === 0) {
      const time = document.createElement("time");
      time.dateTime = new Date(entry.ts_ms).toISOString();
      time.textContent = value;
      cell.append(time);
    } else {
      cell.textContent = value;
    }
    if (index === 6) cell.className = "mono";
    row.append(cell);
  }
  return row;
}

function auditOlder() {
  if (!state.audit.next) return;
  loadAudit(state.audit.next, [...state.audit.cursors, state.audit.current]);
}

function auditNewer() {
  if (state.audit.cursors.length === 0) return;
  const cursors = state.audit.cursors.slice(0, -1);
  loadAudit(state.audit.cursors.at(-1), cursors);
}

// ---- stats --------------------------------------------------------------------------------------

async function loadStats() {
  setText(ui.statsStatus, "Loading…");
  try {
    const stats = await api("GET", "/api/mod/stats");
    const open = Object.keys(KIND_LABELS).map((kind) => [KIND_LABELS[kind], String(stats.open_by_kind[kind] ?? 0)]);
    open.push(["Being handled", String(stats.claimed)]);
    fillStats(ui.statsOpen, open);
    fillStats(ui.statsClaim, percentiles(stats.time_to_claim_ms));
    fillStats(ui.statsDecide, percentiles(stats.time_to_decision_ms));
    setText(ui.statsStatus, `Updated ${clock(Date.now())}.`);
  } catch (error) {
    setText(ui.statsStatus, error.message);
  }
}

function percentiles(values) {
  if (!values || values.p50 === undefined) return [["No data yet", "—"]];
  return [["Median (p50)", duration(values.p50)], ["95th percentile (p95)", duration(values.p95)]];
}

function fillStats(list, pairs) {
  const nodes = [];
  for (const [label, value] of pairs) {
    const wrap = document.createElement("div");
    const term = document.createElement("dt");
    term.textContent = label;
    const data = document.createElement("dd");
    data.textContent = value;
    wrap.append(term, data);
    nodes.push(wrap);
  }
  list.replaceChildren(...nodes);
}

// ---- small helpers ------------------------------------------------------------------------------

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function duration(ms) {
  const seconds = ms / 1000;
  if (seconds < 1) return `${Math.round(ms)} ms`;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

function ago(ms) {
  const seconds = Math.max(0, (Date.now() - ms) / 1000);
  if (seconds < 45) return "just now";
  return `${duration(seconds * 1000)} ago`;
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function when(ms) {
  return new Date(ms).toLocaleString([], { dateStyle: "short", timeStyle: "medium" });
}

// ---- wiring -------------------------------------------------------------------------------------

function wire() {
  ui.signinForm.addEventListener("submit", signIn);
  ui.signOut.addEventListener("click", signOut);
  for (const tab of ui.tabs.querySelectorAll(".tab")) {
    tab.addEventListener("click", () => show(tab.dataset.view));
  }
  ui.claim.addEventListener("click", claim);
  ui.release.addEventListener("click", release);
  ui.approve.addEventListener("click", () => decide("approve"));
  ui.rejectForm.addEventListener("submit", (event) => {
    event.preventDefault();
    decide("reject", { reason: ui.rejectReason.value.trim() });
  });
  ui.editForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = ui.editText.value.trim();
    if (!text) {
      setResult("The edited text is empty.", "error");
      return;
    }
    decide("edit_approve", { text });
  });
  ui.deleteButton.addEventListener("click", () => decide("delete"));
  ui.dismiss.addEventListener("click", () => decide("dismiss"));
  ui.handoffForm.addEventListener("submit", (event) => {
    event.preventDefault();
    decide("handoff", { to: ui.handoffTo.value.trim() || "crisis team" });
  });
  ui.warnForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = ui.warnMessage.value.trim();
    act("warn", message ? { message } : {});
  });
  ui.muteForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const minutes = minutesFrom(ui.muteMinutes);
    if (minutes !== null) act("mute", { minutes, scope: ui.muteScope.value });
  });
  ui.kick.addEventListener("click", () => act("kick"));
  ui.banForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const minutes = minutesFrom(ui.banMinutes);
    if (minutes !== null) act("ban", { minutes });
  });
  ui.auditOlder.addEventListener("click", auditOlder);
  ui.auditNewer.addEventListener("click", auditNewer);
  ui.auditFilter.addEventListener("submit", (event) => {
    event.preventDefault();
    loadAudit(null, []);
  });
  ui.statsRefresh.addEventListener("click", loadStats);
  setInterval(refreshAges, 30_000);
  // A held item's lock lapses with its lease even when no frame says so; recheck the open one.
  setInterval(() => {
    if (state.openItem && state.openItem.state !== "resolved") renderControls(state.openItem);
  }, 15_000);
}

boot();
