// The message list of the open room: ordered by message id, each message once, own messages with a state.
//
// Every piece of user text goes into the page through textContent, never as HTML.

/** Order key of a message id "<ms>-<seq>": compare by the two numbers (BigInt: ids can exceed 2^53). */
export function idKey(id) {
  const [ms, seq = "0"] = String(id).split("-");
  return [BigInt(ms), BigInt(seq)];
}

/** Negative, zero or positive as id `a` is before, equal to or after id `b`. */
export function compareIds(a, b) {
  const [am, as] = idKey(a);
  const [bm, bs] = idKey(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

const STATE_TEXT = {
  sending: "Sending…",
  delivered: "Delivered",
  pending: "Pending review",
  redacted: "Published with parts removed",
  blocked: "Not published",
  failed: "Not sent",
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The rendered list. `byId` maps a message id to its element; own messages not yet published have no
 * id and are kept by client id by the caller. An own message still "sending" floats at the bottom;
 * everything else is placed by id.
 */
export class Timeline {
  constructor(list, { onReport }) {
    this.list = list;
    this.onReport = onReport;
    this.byId = new Map();
    this.lastId = null;
  }

  clear() {
    this.list.replaceChildren();
    this.byId.clear();
    this.lastId = null;
  }

  has(id) {
    return this.byId.has(id);
  }

  get(id) {
    return this.byId.get(id);
  }

  /** Count of published messages shown. */
  get size() {
    return this.byId.size;
  }

  /** Show a published message unless it is already shown; returns its element and whether it is new. */
  addMessage(frame, { own }) {
    if (this.lastId === null || compareIds(frame.id, this.lastId) > 0) this.lastId = frame.id;
    const existing = this.byId.get(frame.id);
    if (existing) {
      // The author's copy: moderation may have changed the text on the way (redaction).
      existing.querySelector(".text").textContent = frame.text;
      return { node: existing, added: false };
    }
    const node = this.render(frame.handle, frame.text, frame.ts, own);
    this.assignId(node, frame.id);
    if (!own) this.addReportButton(node, frame);
    this.place(node);
    return { node, added: true };
  }

  /** An own message as typed, before the server has answered. */
  addOwnDraft(handle, text) {
    const node = this.render(handle, text, Date.now(), true);
    this.setState(node, "sending");
    this.list.append(node);
    return node;
  }

  /** A draft got its id (ack): either the server's copy is already shown (keep that one) or the draft becomes it. */
  publish(draft, id) {
    const shown = this.byId.get(id);
    if (shown && shown !== draft) {
      const state = draft.dataset.state;
      const note = draft.querySelector(".state")?.dataset.note ?? "";
      draft.remove();
      this.markOwn(shown);
      this.setState(shown, state === "redacted" ? "redacted" : "delivered", note);
      return shown;
    }
    this.assignId(draft, id);
    draft.remove();
    this.place(draft);
    if (this.lastId === null || compareIds(id, this.lastId) > 0) this.lastId = id;
    return draft;
  }

  remove(id) {
    const node = this.byId.get(id);
    if (!node) return false;
    this.byId.delete(id);
    node.remove();
    return true;
  }

  /** Show an own message's state; `note` is the server's sentence (reason), shown as text. */
  setState(node, state, note = "") {
    node.dataset.state = state;
    let line = node.querySelector(".state");
    if (!line) {
      line = el("p", "state");
      node.append(line);
    }
    line.dataset.note = note;
    const label = el("span", "state-label", STATE_TEXT[state]);
    line.replaceChildren(label);
    if (note) line.append(` — ${note}`);
  }

  markOwn(node) {
    if (node.classList.contains("own")) return;
    node.classList.add("own");
    node.querySelector(".report")?.remove();
    node.querySelector(".meta").append(el("span", "you", "(you)"));
  }

  render(handle, text, ts, own) {
    const node = el("li", own ? "msg own" : "msg");
    const meta = el("div", "meta");
    meta.append(el("span", "handle", handle));
    if (own) meta.append(el("span", "you", "(you)"));
    const time = el("time", "", new Date(ts).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    time.dateTime = new Date(ts).toISOString();
    meta.append(time);
    node.append(meta, el("p", "text", text));
    return node;
  }

  addReportButton(node, frame) {
    const button = el("button", "report small quiet", "Report");
    button.type = "button";
    button.setAttribute("aria-label", `Report message from ${frame.handle}`);
    button.addEventListener("click", () => this.onReport(frame.id, frame.handle, frame.text, button));
    node.querySelector(".meta").append(button);
  }

  assignId(node, id) {
    node.dataset.id = id;
    this.byId.set(id, node);
  }

  /**
   * Insert a published message in id order. Walking back from the end, skip own drafts still being
   * sent (they belong at the bottom) and messages with a later id; a settled message without an id
   * (held or blocked) stays where it was written, so nothing moves above it.
   */
  place(node) {
    const id = node.dataset.id;
    let after = this.list.lastElementChild;
    while (after) {
      const sending = after.dataset.state === "sending";
      if (!sending && (!after.dataset.id || compareIds(after.dataset.id, id) < 0)) break;
      after = after.previousElementSibling;
    }
    if (after) after.after(node);
    else this.list.prepend(node);
  }
}
