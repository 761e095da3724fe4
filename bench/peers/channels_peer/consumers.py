"""The chat consumer, as in the Channels tutorial: group_add on join, group_send on send."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class ChatConsumer(AsyncJsonWebsocketConsumer):
    room: str | None = None

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        if kind == "join" and self.room is None:
            self.room = str(content["room"])
            await self.channel_layer.group_add(self.room, self.channel_name)
            await self.send_json({"type": "joined", "room": self.room})
        elif kind == "send" and content.get("room") == self.room:
            await self.channel_layer.group_send(
                self.room, {"type": "chat.message", "room": self.room, "text": str(content.get("text"))}
            )

    async def chat_message(self, event):
        await self.send_json({"type": "message", "room": event["room"], "text": event["text"]})

    async def disconnect(self, code):
        if self.room is not None:
            await self.channel_layer.group_discard(self.room, self.channel_name)
