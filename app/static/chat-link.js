// The connection to the hub: one websocket at a time, newline-delimited frames, reconnecting by itself.
//
// Reconnects use exponential backoff with jitter, capped, so that a hub restart does not bring every
// page back in the same millisecond. A connection that stops answering pings is treated as lost even
// when the browser has not noticed yet (a network can vanish without a close).

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
const PING_EVERY_MS = 20_000;
const PONG_WITHIN_MS = 10_000;

/** Delay before reconnect attempt `attempt` (0-based): half fixed, half random, never above the cap. */
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt, 16));
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * A self-healing websocket. Callbacks:
 *   onOpen()            a new socket is open (say hello now)
 *   onFrame(frame)      one parsed server frame
 *   onDown(willRetry, code)  the socket is gone (`code`: the close code, if any); `willRetry` is false
 *                       after stop(), which onDown itself may call (e.g. for a ban)
 */
export class Link {
  constructor(url, { onOpen, onFrame, onDown }) {
    this.url = url;
    this.onOpen = onOpen;
    this.onFrame = onFrame;
    this.onDown = onDown;
    this.socket = null;
    this.attempt = 0;
    this.stopped = true;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    window.addEventListener("online", () => this.retryNow());
  }

  /** Connect, and keep reconnecting until stop(). */
  start() {
    this.stopped = false;
    this.attempt = 0;
    this.open();
  }

  /** Close for good (no reconnect). */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.drop();
  }

  /** Drop the current socket and open a fresh one at once (e.g. to start a new session). */
  restart() {
    this.stopped = false;
    clearTimeout(this.retryTimer);
    this.drop();
    this.attempt = 0;
    this.open();
  }

  /** The server accepted the session: the next outage starts the backoff from the beginning again. */
  healthy() {
    this.attempt = 0;
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  /** Send one frame; false when there is no open socket (the caller keeps it for later). */
  send(frame) {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** If waiting between attempts, try now (the network came back, or the person asked). */
  retryNow() {
    if (this.stopped || this.socket !== null) return;
    clearTimeout(this.retryTimer);
    this.open();
  }

  open() {
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (socket !== this.socket) return;
      this.keepAlive();
      this.onOpen();
    });
    socket.addEventListener("message", (event) => {
      if (socket !== this.socket) return;
      this.heard();
      // The server batches frames into one message, one JSON object per line.
      for (const line of String(event.data).split("\n")) {
        if (!line) continue;
        let frame;
        try {
          frame = JSON.parse(line);
        } catch {
          continue;
        }
        if (frame && typeof frame.type === "string") this.onFrame(frame);
        if (socket !== this.socket) return; // a frame handler closed this socket
      }
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket) return;
      this.lost(event.code);
    });
  }

  /** Forget the current socket without waiting for its close handshake (which may never come). */
  drop() {
    const socket = this.socket;
    this.socket = null;
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    if (socket !== null && socket.readyState <= WebSocket.OPEN) {
      try {
        socket.close(1000);
      } catch {
        /* already closing */
      }
    }
  }

  lost(code = null) {
    this.drop();
    this.onDown(!this.stopped, code);
    if (!this.stopped) this.scheduleRetry();
  }

  scheduleRetry() {
    clearTimeout(this.retryTimer);
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  keepAlive() {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (!this.send({ type: "ping" })) return;
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => this.lost(), PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  heard() {
    // Any frame proves the connection is alive, not only a pong.
    clearTimeout(this.pongTimer);
  }
}
