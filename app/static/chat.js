// The chat page: room catalog, guidelines, one open room, own message states, crisis notice, forgetting.
//
// Protocol: docs/protocol.md. Every server text (handles, messages, notices, resources) is shown as
// text only; nothing from the network is ever parsed as HTML.

import { Link } from "./chat-link.js";
import { Timeline } from "./chat-timeline.js";

const TOKEN_KEY = "peerchat.resume_token"; // per tab: closing the tab ends the visit
const ACCEPTED_KEY = "peerchat.accepted_guidelines"; // { room: hash of the guidelines accepted }
const LOCALE_PATTERN = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;
const CATALOG_REFRESH_MS = 15_000;
const FORGET_WAIT_MS = 10_000;
const CLOSE_BANNED = 4003; // a moderator banned the session (docs/protocol.md, close codes)

const $ = (id) => document.getElementById(id);
const ui = {
  handle: $("handle"),
  handleAgain: $("handle-again"),
  identity: $("identity"),
  connection: $("connection"),
  showResources: $("show-resources"),
  forgetOpen: $("forget-open"),
  main: $("main"),
  catalogView: $("catalog-view"),
  catalogStatus: $("catalog-status"),
  roomList: $("room-list"),
  newHandle: $("new-handle"),
  roomView: $("room-view"),
  roomTitle: $("room-title"),
  roomCount: $("room-count"),
  leaveRoom: $("leave-room"),
  notices: $("notices"),
  messages: $("messages"),
  composer: $("composer"),
  composerText: $("composer-text"),
  composerCount: $("composer-count"),
  goodbyeView: $("goodbye-view"),
  goodbyeTitle: $("goodbye-title"),
  goodbyeText: $("goodbye-text"),
  startAgain: $("start-again"),
  announcer: $("announcer"),
  guidelinesDialog: $("guidelines-dialog"),
  guidelinesTitle: $("guidelines-title"),
  guidelinesList: $("guidelines-list"),
  reportDialog: $("report-dialog"),
  reportForm: $("report-form"),
  reportQuote: $("report-quote"),
  reportDetails: $("report-details"),
  forgetDialog: $("forget-dialog"),
  forgetConfirm: $("forget-confirm"),
  forgetError: $("forget-error"),
  crisisDialog: $("crisis-dialog"),
  crisisTitle: $("crisis-title"),
  crisisMessage: $("crisis-message"),
  crisisResources: $("crisis-resources"),
  crisisClosing: $("crisis-closing"),
};

const state = {
  handle: null,
  token: sessionStorage.getItem(TOKEN_KEY),
  welcomed: false, // the current socket has a session
  fresh: false, // a new handle was asked for
  rooms: new Map(), // name -> room info from /api/rooms
  room: null, // the open room's info
  joined: false, // the open room is joined on the current socket
  sends: new Map(), // client_id -> own message of the open room {clientId, room, text, node, state, id, timer}
  reports: new Map(), // message id -> report button waiting for `reported`
  forgetting: null, // timer while waiting for `forgotten`
  gone: false, // forgotten: no more connecting
  banMessage: "",
};

const timeline = new Timeline(ui.messages, { onReport: openReport });
const link = new Link(socketUrl(), { onOpen, onFrame, onDown });

// ---- connection ---------------------------------------------------------------------------------

function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws`;
}

function setConnection(kind, text) {
  ui.connection.dataset.state = kind;
  if (ui.connection.textContent !== text) ui.connection.textContent = text;
}

function onOpen() {
  setConnection("connecting", "Connecting…");
  sayHello(state.token);
}

function sayHello(token) {
  const frame = { type: "hello" };
  if (token) frame.resume_token = token;
  const locale = navigator.language || "";
  if (LOCALE_PATTERN.test(locale)) frame.locale = locale;
  link.send(frame);
}

function onDown(willRetry, code) {
  state.welcomed = false;
  state.joined = false;
  for (const send of state.sends.values()) clearTimeout(send.timer);
  if (state.forgetting !== null) failForget("The connection was lost before this was finished. Please try again.");
  if (code === CLOSE_BANNED) {
    // Banned: reconnecting would only be refused again.
    link.stop();
    setConnection("closed", "Not connected");
    addNotice(state.banMessage || "The moderators have ended this session.", { title: "Session ended", urgent: true });
    return;
  }
  if (willRetry) setConnection("offline", "Connection lost. Reconnecting…");
}

function onFrame(frame) {
  const handler = HANDLERS[frame.type];
  if (handler) handler(frame);
}

const HANDLERS = {
  welcome: onWelcome,
  joined: onJoined,
  message: (frame) => showMessage(frame, true),
  ack: onAck,
  presence: (frame) => {
    if (frame.room === state.room?.name) setCount(frame.count);
  },
  held: (frame) => settle(frame, "pending", frame.message || "a moderator will look at it soon."),
  redacted: onRedacted,
  blocked: (frame) => settle(frame, "blocked", frame.message || "it broke the room's guidelines."),
  rejected: (frame) => settle(frame, "blocked", frame.message || "a moderator decided not to publish it."),
  deleted: onDeleted,
  crisis: showCrisis,
  notice: (frame) => {
    addNotice(frame.message, { title: "A message from the moderators", urgent: true });
  },
  reported: onReported,
  kicked: onKicked,
  forgotten: (frame) => finishForget(frame.removed),
  error: onError,
  left: () => {},
  pong: () => {},
};

function onWelcome(frame) {
  const previous = state.handle;
  state.handle = frame.handle;
  state.token = frame.resume_token;
  state.welcomed = true;
  sessionStorage.setItem(TOKEN_KEY, frame.resume_token);
  link.healthy();
  showHandle();
  setConnection("online", "Connected");
  if (state.fresh) {
    announce(`Your new name is ${frame.handle}.`);
  } else if (previous !== null && previous !== frame.handle) {
    addNotice(`Your earlier name was given to someone else while you were away; you are now ${frame.handle}.`);
  }
  state.fresh = false;
  if (state.room !== null) sendJoin();
}

function showHandle() {
  const text = state.handle ?? "…";
  ui.handle.textContent = text;
  ui.handleAgain.textContent = text;
}

function sendJoin() {
  const frame = { type: "join", room: state.room.name };
  // Resume after the last message shown: the server sends exactly what came after it.
  if (timeline.lastId !== null) frame.since = timeline.lastId;
  link.send(frame);
}

function onJoined(frame) {
  if (frame.room !== state.room?.name) {
    link.send({ type: "leave", room: frame.room }); // left while the join was on its way
    return;
  }
  const resumed = timeline.lastId !== null;
  state.joined = true;
  setCount(frame.count);
  if (frame.recovered === false) {
    addNotice("Some earlier messages are no longer available.");
  }
  for (const message of frame.history ?? []) showMessage(message, false);
  scrollToEnd();
  // Resend what was not acknowledged, with the same client ids: the server posts each once.
  for (const send of state.sends.values()) {
    if (send.state === "sending") transmit(send);
  }
  if (!resumed && timeline.size === 0) announce(`You joined ${state.room.title}. No messages yet.`);
}

function onKicked(frame) {
  if (frame.room !== state.room?.name) return;
  state.joined = false; // the server has already taken us out
  closeRoom();
  addNotice(frame.message || "A moderator removed you from this room.", { title: "You left the room", urgent: true });
}

function showMessage(frame, live) {
  if (frame.room !== state.room?.name) return;
  const nearEnd = isNearEnd();
  const own = frame.handle === state.handle;
  const { added } = timeline.addMessage(frame, { own });
  if (!added) return;
  if (live && !own) announce(`${frame.handle}: ${frame.text}`);
  if (live && (nearEnd || own)) scrollToEnd();
}

// ---- own messages -------------------------------------------------------------------------------

let sendCounter = 0;

function newClientId() {
  const random = crypto.getRandomValues(new Uint32Array(1))[0].toString(36);
  sendCounter += 1;
  return `c-${Date.now().toString(36)}-${sendCounter.toString(36)}-${random}`;
}

function submit() {
  const text = ui.composerText.value.replace(/\r\n/g, "\n");
  if (!text.trim() || state.room === null) return;
  const send = {
    clientId: newClientId(),
    room: state.room.name,
    text,
    node: timeline.addOwnDraft(state.handle ?? "You", text),
    state: "sending",
    id: null,
    timer: null,
  };
  state.sends.set(send.clientId, send);
  ui.composerText.value = "";
  updateCount();
  scrollToEnd();
  if (state.joined) transmit(send);
}

function transmit(send) {
  clearTimeout(send.timer);
  link.send({ type: "send", room: send.room, text: send.text, client_id: send.clientId });
}

function onAck(frame) {
  const send = state.sends.get(frame.client_id);
  if (!send) return;
  clearTimeout(send.timer);
  const wasHeld = send.state === "pending";
  send.id = frame.id;
  send.node = timeline.publish(send.node, frame.id);
  if (send.state !== "redacted") {
    send.state = "delivered";
    timeline.setState(send.node, "delivered");
  }
  if (wasHeld) announce("A moderator approved your message; it is now published.");
}

function onRedacted(frame) {
  const send = state.sends.get(frame.client_id);
  if (!send) return;
  const note = frame.message || "parts of it were removed.";
  if (frame.id) {
    send.id = frame.id;
    send.node = timeline.publish(send.node, frame.id);
  }
  send.state = "redacted";
  timeline.setState(send.node, "redacted", note);
  announce(`Your message was published with parts removed: ${note}`);
}

/** An outcome that leaves the message unpublished for now (held) or for good (blocked, rejected). */
function settle(frame, outcome, note) {
  const send = state.sends.get(frame.client_id);
  if (!send) return;
  clearTimeout(send.timer);
  send.state = outcome;
  timeline.setState(send.node, outcome, note);
  announce(outcome === "pending" ? `Your message is waiting for a moderator: ${note}` : `Your message was not published: ${note}`);
}

function onDeleted(frame) {
  if (frame.room !== state.room?.name) return;
  timeline.remove(frame.id);
  for (const [clientId, send] of state.sends) {
    if (send.id === frame.id) state.sends.delete(clientId);
  }
}

function retryLater(send, seconds) {
  clearTimeout(send.timer);
  send.timer = setTimeout(() => {
    if (state.joined && send.state === "sending") transmit(send);
  }, Math.max(0.2, seconds ?? 1) * 1000);
}

function onError(frame) {
  const send = frame.ref ? state.sends.get(frame.ref) : undefined;
  if (send) {
    sendFailed(send, frame);
    return;
  }
  if (frame.code === "invalid_resume_token") {
    // The session expired: this connection stays open for a plain hello and a new name.
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    sayHello(null);
    return;
  }
  if (frame.code === "banned") {
    state.banMessage = frame.message; // the close (4003) that follows ends the visit
    return;
  }
  if (frame.code === "unknown_message" && state.reports.has(frame.ref)) {
    const button = state.reports.get(frame.ref);
    state.reports.delete(frame.ref);
    button.textContent = "No longer available";
    return;
  }
  if (state.forgetting !== null) {
    failForget(frame.message || "This could not be done right now. Please try again.");
    return;
  }
  if (state.room !== null && frame.ref === state.room.name) {
    if (frame.code === "already_joined") {
      state.joined = true;
      return;
    }
    if (["unknown_room", "room_full", "not_joined"].includes(frame.code)) {
      const message = frame.message;
      closeRoom();
      ui.catalogStatus.textContent = message;
      return;
    }
  }
  if (frame.message) addNotice(frame.message);
}

function sendFailed(send, frame) {
  switch (frame.code) {
    case "rate_limited":
    case "unavailable":
      retryLater(send, frame.retry_after);
      return;
    case "muted":
    case "banned": {
      let note = frame.message || "you cannot send messages right now.";
      if (frame.code === "muted" && frame.retry_after) note += ` (You can write again in ${duration(frame.retry_after)}.)`;
      send.state = "blocked";
      timeline.setState(send.node, "blocked", note);
      announce(`Your message was not published: ${note}`);
      return;
    }
    default:
      send.state = "failed";
      timeline.setState(send.node, "failed", frame.message || "something went wrong.");
      announce(`Your message was not sent: ${frame.message || ""}`);
  }
}

function duration(seconds) {
  if (seconds < 90) return `${Math.ceil(seconds)} seconds`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} minutes`;
  return `${Math.round(seconds / 3600)} hours`;
}

// ---- the catalog and entering a room ------------------------------------------------------------

async function loadRooms() {
  try {
    const response = await fetch("/api/rooms", { cache: "no-store" });
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    renderRooms(data.rooms);
    if (ui.catalogStatus.dataset.kind === "load") ui.catalogStatus.textContent = "";
  } catch {
    ui.catalogStatus.dataset.kind = "load";
    ui.catalogStatus.textContent = "The rooms could not be loaded. Trying again shortly…";
  }
}

function membersText(count) {
  if (count === 0) return "Nobody here right now";
  return count === 1 ? "1 person here now" : `${count} people here now`;
}

function renderRooms(rooms) {
  for (const room of rooms) {
    state.rooms.set(room.name, room);
    let item = ui.roomList.querySelector(`li[data-room="${CSS.escape(room.name)}"]`);
    if (!item) {
      item = document.createElement("li");
      item.dataset.room = room.name;
      const card = document.createElement("article");
      card.className = "room-card";
      const title = document.createElement("h2");
      title.textContent = room.title;
      const description = document.createElement("p");
      description.className = "description";
      description.id = `room-${room.name}-description`;
      description.textContent = room.description;
      const members = document.createElement("p");
      members.className = "members";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "primary small";
      const named = document.createElement("span");
      named.className = "visually-hidden";
      named.textContent = ` ${room.title}`;
      button.append("Enter", named);
      button.setAttribute("aria-describedby", description.id);
      button.addEventListener("click", () => chooseRoom(room.name));
      card.append(title, description, members, button);
      item.append(card);
      ui.roomList.append(item);
    }
    item.querySelector(".members").textContent = membersText(room.members);
  }
}

function guidelinesHash(text) {
  // FNV-1a: if a room's guidelines change, people are asked to accept the new ones.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

function acceptedGuidelines() {
  try {
    return JSON.parse(localStorage.getItem(ACCEPTED_KEY) || "{}") || {};
  } catch {
    return {};
  }
}

/** One item per guideline: a line that does not end a sentence continues on the next line. */
function guidelineItems(text) {
  const items = [];
  let continues = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) {
      continues = false;
      continue;
    }
    if (continues) items[items.length - 1] += ` ${line}`;
    else items.push(line);
    continues = !/[.!?:)]["”’]?$/.test(line);
  }
  return items;
}

function chooseRoom(name) {
  const room = state.rooms.get(name);
  if (!room) return;
  if (acceptedGuidelines()[name] === guidelinesHash(room.guidelines)) {
    openRoom(room);
    return;
  }
  ui.guidelinesTitle.textContent = `Before you join “${room.title}”`;
  ui.guidelinesList.replaceChildren(
    ...guidelineItems(room.guidelines).map((line) => {
      const item = document.createElement("li");
      item.textContent = line;
      return item;
    }),
  );
  ui.guidelinesDialog.dataset.room = name;
  ui.guidelinesDialog.returnValue = "";
  ui.guidelinesDialog.showModal();
}

ui.guidelinesDialog.addEventListener("close", () => {
  const room = state.rooms.get(ui.guidelinesDialog.dataset.room);
  if (ui.guidelinesDialog.returnValue !== "accept" || !room) return;
  const accepted = acceptedGuidelines();
  accepted[room.name] = guidelinesHash(room.guidelines);
  localStorage.setItem(ACCEPTED_KEY, JSON.stringify(accepted));
  openRoom(room);
});

function openRoom(room) {
  state.room = room;
  state.joined = false;
  state.sends.clear();
  timeline.clear();
  ui.notices.replaceChildren();
  ui.roomTitle.textContent = room.title;
  setCount(room.members);
  ui.composerText.maxLength = room.max_text_chars;
  ui.composerText.value = "";
  updateCount();
  ui.catalogView.hidden = true;
  ui.roomView.hidden = false;
  document.title = `${room.title} — peerchat`;
  if (state.welcomed) sendJoin();
  ui.composerText.focus();
}

function closeRoom() {
  const name = state.room?.name;
  if (state.joined && name) link.send({ type: "leave", room: name });
  for (const send of state.sends.values()) clearTimeout(send.timer);
  state.sends.clear();
  state.room = null;
  state.joined = false;
  timeline.clear();
  ui.roomView.hidden = true;
  ui.catalogView.hidden = false;
  document.title = "peerchat — anonymous peer support";
  loadRooms();
  const button = name && ui.roomList.querySelector(`li[data-room="${CSS.escape(name)}"] button`);
  (button || ui.main).focus();
}

function setCount(count) {
  ui.roomCount.textContent = membersText(count);
}

// ---- composing ----------------------------------------------------------------------------------

ui.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
  ui.composerText.focus();
});

ui.composerText.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  event.preventDefault();
  submit();
});

ui.composerText.addEventListener("input", updateCount);

function updateCount() {
  const max = state.room?.max_text_chars ?? 0;
  const length = ui.composerText.value.length;
  ui.composerCount.textContent = max && length > max * 0.8 ? `${length} / ${max}` : "";
}

function isNearEnd() {
  const list = ui.messages;
  return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
}

function scrollToEnd() {
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

// ---- notices and announcements ------------------------------------------------------------------

function announce(text) {
  const line = document.createElement("p");
  line.textContent = text;
  ui.announcer.append(line);
  while (ui.announcer.childElementCount > 5) ui.announcer.firstElementChild.remove();
}

function addNotice(text, { title = "", urgent = false } = {}) {
  const box = document.createElement("div");
  box.className = "notice";
  if (urgent) box.setAttribute("role", "alert");
  const body = document.createElement("p");
  if (title) {
    const strong = document.createElement("strong");
    strong.textContent = title;
    body.append(strong);
  }
  body.append(document.createTextNode(text));
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "small";
  dismiss.textContent = "Dismiss";
  dismiss.setAttribute("aria-label", "Dismiss this notice");
  dismiss.addEventListener("click", () => {
    box.remove();
    ui.composerText.focus();
  });
  box.append(body, dismiss);
  if (state.room !== null) {
    ui.notices.append(box);
  } else {
    ui.catalogView.insertBefore(box, ui.roomList);
  }
  if (!urgent) announce(text);
}

// ---- reports ------------------------------------------------------------------------------------

let reporting = null; // { id, button }

function openReport(id, handle, text, button) {
  reporting = { id, button };
  ui.reportQuote.querySelector("p").textContent = `${handle}: ${text}`;
  ui.reportDetails.value = "";
  ui.reportForm.reset();
  ui.reportDialog.returnValue = "";
  ui.reportDialog.showModal();
}

ui.reportDialog.addEventListener("close", () => {
  if (ui.reportDialog.returnValue !== "report" || reporting === null || state.room === null) return;
  const choice = new FormData(ui.reportForm).get("reason") || "other";
  const details = ui.reportDetails.value.trim();
  const reason = (details ? `${choice}: ${details}` : String(choice)).slice(0, 500);
  const { id, button } = reporting;
  reporting = null;
  if (!link.send({ type: "report", room: state.room.name, message_id: id, reason })) {
    addNotice("You are offline right now; the report was not sent. Please try again in a moment.");
    return;
  }
  button.disabled = true;
  button.textContent = "Reporting…";
  state.reports.set(id, button);
});

function onReported(frame) {
  const button = state.reports.get(frame.message_id);
  state.reports.delete(frame.message_id);
  if (button) {
    const done = document.createElement("span");
    done.className = "reported";
    done.textContent = "Reported — thank you";
    button.replaceWith(done);
  }
  announce("Thank you. The moderators will look at the message you reported.");
}

// ---- crisis -------------------------------------------------------------------------------------

function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A phone number becomes a tel: link and a bare domain an https: link; anything else stays text. */
function contactLink(contact) {
  if (/^[+0-9][0-9 ()-]{1,30}$/.test(contact)) return `tel:${contact.replace(/[^+0-9]/g, "")}`;
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(\/[\w./-]*)?$/i.test(contact)) return safeUrl(`https://${contact}`);
  return null;
}

function showCrisis(frame) {
  ui.crisisMessage.textContent =
    frame.message || "It sounds like you are going through something very hard. You deserve support right now.";
  const items = (frame.resources ?? []).map((resource) => {
    const item = document.createElement("li");
    const name = document.createElement("p");
    name.className = "name";
    name.textContent = resource.name ?? "";
    const contact = document.createElement("p");
    contact.className = "contact";
    const text = resource.contact ?? "";
    const href = contactLink(text);
    if (href) {
      const anchor = document.createElement("a");
      anchor.href = href;
      if (href.startsWith("https:")) {
        anchor.target = "_blank";
        anchor.rel = "noopener noreferrer";
      }
      anchor.textContent = text;
      contact.append(anchor);
    } else {
      contact.textContent = text;
    }
    item.append(name, contact);
    const url = resource.url ? safeUrl(resource.url) : null;
    if (url) {
      const line = document.createElement("p");
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer";
      anchor.textContent = new URL(url).host;
      line.append(anchor);
      item.append(line);
    }
    const note = resource.note || resource.description;
    if (note) {
      const description = document.createElement("p");
      description.className = "description";
      description.textContent = note;
      item.append(description);
    }
    return item;
  });
  ui.crisisResources.replaceChildren(...items);
  ui.crisisClosing.textContent = frame.closing ?? frame.emergency ?? "";
  ui.showResources.hidden = false;
  openCrisis();
}

function openCrisis() {
  if (!ui.crisisDialog.open) ui.crisisDialog.showModal();
  ui.crisisTitle.focus();
}

ui.showResources.addEventListener("click", openCrisis);

// ---- new name, forgetting -----------------------------------------------------------------------

ui.newHandle.addEventListener("click", () => {
  if (state.room !== null || state.gone) return;
  // A new name is a new session: connect again and say hello without the token.
  state.fresh = true;
  state.token = null;
  state.handle = null;
  state.welcomed = false;
  sessionStorage.removeItem(TOKEN_KEY);
  showHandle();
  link.restart();
});

ui.forgetOpen.addEventListener("click", () => {
  ui.forgetError.hidden = true;
  ui.forgetConfirm.disabled = false;
  ui.forgetConfirm.textContent = "Leave and forget me";
  ui.forgetDialog.returnValue = "";
  ui.forgetDialog.showModal();
});

ui.forgetConfirm.addEventListener("click", (event) => {
  event.preventDefault(); // the dialog stays open until the server has confirmed
  if (!state.welcomed || !link.send({ type: "forget" })) {
    failForget("You are offline right now. Please try again when the page says “Connected”.");
    return;
  }
  ui.forgetError.hidden = true;
  ui.forgetConfirm.disabled = true;
  ui.forgetConfirm.textContent = "Forgetting…";
  state.forgetting = setTimeout(() => failForget("No answer from the server. Please try again."), FORGET_WAIT_MS);
});

ui.forgetDialog.addEventListener("cancel", (event) => {
  if (state.forgetting !== null) event.preventDefault();
});

function failForget(message) {
  clearTimeout(state.forgetting);
  state.forgetting = null;
  ui.forgetConfirm.disabled = false;
  ui.forgetConfirm.textContent = "Leave and forget me";
  ui.forgetError.textContent = message;
  ui.forgetError.hidden = false;
}

function finishForget(removed) {
  clearTimeout(state.forgetting);
  state.forgetting = null;
  state.gone = true;
  link.stop();
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(ACCEPTED_KEY);
  for (const send of state.sends.values()) clearTimeout(send.timer);
  state.sends.clear();
  state.room = null;
  state.handle = null;
  timeline.clear();
  showHandle();
  setConnection("closed", "Not connected");
  if (ui.forgetDialog.open) ui.forgetDialog.close();
  ui.catalogView.hidden = true;
  ui.roomView.hidden = true;
  ui.forgetOpen.hidden = true;
  ui.identity.hidden = true;
  const count = Number.isInteger(removed) ? removed : null;
  ui.goodbyeText.textContent =
    count === null
      ? "You have left, and this browser has forgotten you."
      : `You have left, and this browser has forgotten you. ${count === 1 ? "1 message" : `${count} messages`} you wrote ${count === 1 ? "was" : "were"} removed.`;
  ui.goodbyeView.hidden = false;
  document.title = "Goodbye — peerchat";
  ui.goodbyeTitle.focus();
}

ui.startAgain.addEventListener("click", () => location.reload());

ui.leaveRoom.addEventListener("click", closeRoom);

// ---- start --------------------------------------------------------------------------------------

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") link.retryNow();
});

setInterval(() => {
  if (state.room === null && !state.gone && document.visibilityState === "visible") loadRooms();
}, CATALOG_REFRESH_MS);

loadRooms();
link.start();
