"""ASGI entry of the Channels peer (run under uvicorn)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channels_peer.settings")

import django  # noqa: E402

django.setup()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from channels_peer.consumers import ChatConsumer  # noqa: E402

application = ProtocolTypeRouter({"websocket": URLRouter([path("ws", ChatConsumer.as_asgi())])})
