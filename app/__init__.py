"""The peerchat websocket hub: app factory, settings, endpoints and the command line."""
