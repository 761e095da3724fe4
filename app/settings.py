"""All configuration in one object, read from the environment once and passed in."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Peerchat's settings. Every field can be set as `PEERCHAT_<NAME>`; the bus URL also as `REDIS_URL`."""

    model_config = SettingsConfigDict(env_prefix="PEERCHAT_", extra="ignore", populate_by_name=True)

    redis_url: str = Field(
        default="memory://",
        validation_alias=AliasChoices("REDIS_URL", "PEERCHAT_REDIS_URL"),
        description="memory:// runs everything in this process; redis://host:port/db shares state between hubs.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    secret: SecretStr | None = Field(
        default=None,
        description="Key that signs resume tokens. Unset: a random key, shared through Redis when Redis is used.",
    )
    key_prefix: str = Field(default="peerchat:", description="Prefix of every Redis key and channel.")
    rooms_file: Path | None = Field(default=None, description="Room catalog (TOML). Unset: the built-in catalog.")

    history_limit: int = Field(default=200, ge=1, le=100_000, description="Messages kept per room.")
    history_ttl_seconds: int = Field(default=86_400, ge=60, description="How long a message is kept.")
    max_text_chars: int = Field(default=2_000, ge=1, le=20_000, description="Longest message text.")
    max_frame_bytes: int = Field(default=16_384, ge=1_024, description="Largest client frame; larger closes with 1009.")
    outbox_max_bytes: int = Field(
        default=1_048_576, ge=4_096, description="Bytes queued for one connection before it is dropped as too slow."
    )
    rate_burst: int = Field(default=5, ge=1, description="Messages a session may send in a burst.")
    rate_per_second: float = Field(default=1.0, gt=0, description="Sustained messages per second per session.")
    token_ttl_seconds: int = Field(default=86_400, ge=60, description="Lifetime of a resume token and its handle.")
    hello_timeout_seconds: float = Field(default=30.0, gt=0, description="Time a new connection has to say hello.")
    presence_interval_seconds: float = Field(
        default=10.0, gt=0, description="How often a hub refreshes its member counts in the shared backend."
    )
    moderator_token_ttl_seconds: int = Field(default=8 * 3600, ge=60, description="Lifetime of a moderator sign-in.")
    claim_lease_seconds: int = Field(default=120, ge=1, description="How long a claim lasts unless renewed.")
    crisis_reannounce_seconds: int = Field(
        default=30, ge=1, description="An unclaimed crisis item is announced again after this, then again..."
    )
    sweep_interval_seconds: float = Field(
        default=1.0, gt=0, description="How often a hub returns lapsed claims and checks time limits."
    )
    allowed_origins: list[str] = Field(
        default_factory=list, description="Extra browser origins allowed to call the moderator API (JSON list)."
    )
    log_level: str = "info"
