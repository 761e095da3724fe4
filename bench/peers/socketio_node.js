// Node socket.io 4 with @socket.io/redis-adapter: the chat server most teams deploy.
// Written as the socket.io docs show it (rooms, io.to(room).emit, the Redis adapter for several nodes).
// The harness sets PORT and REDIS_URL; NODE_PATH points at bench/node/node_modules.
"use strict";
const { createServer } = require("http");
const { Server } = require("socket.io");
const { createAdapter } = require("@socket.io/redis-adapter");
const { createClient } = require("redis");

async function main() {
  const port = Number(process.env.PORT);
  const pubClient = createClient({ url: process.env.REDIS_URL });
  const subClient = pubClient.duplicate();
  await Promise.all([pubClient.connect(), subClient.connect()]);

  const httpServer = createServer();
  const io = new Server(httpServer, {
    transports: ["websocket"],
    serveClient: false,
    perMessageDeflate: false, // as peerchat: no per-member compression
    adapter: createAdapter(pubClient, subClient),
  });

  io.on("connection", (socket) => {
    socket.on("join", (room, ack) => {
      socket.join(room);
      if (typeof ack === "function") ack({ room });
    });
    socket.on("send", (msg) => {
      if (!msg || typeof msg.room !== "string" || !socket.rooms.has(msg.room)) return;
      io.to(msg.room).emit("message", { room: msg.room, text: String(msg.text) });
    });
  });

  httpServer.listen(port, "127.0.0.1", () => console.log(`socket.io listening on ${port}`));
  const stop = () => io.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
