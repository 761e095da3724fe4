"""Django Channels peer: an AsyncJsonWebsocketConsumer with groups on channels_redis (the Channels tutorial's chat)."""
