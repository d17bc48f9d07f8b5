"""API settings, read once from the environment (and an optional ``.env``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    """How the HTTP API behaves.

    The store itself is configured by :class:`stakegraph.config.Settings` (``NEO4J_URI`` and
    friends); only what is specific to serving HTTP lives here.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    home: Path = Field(default=Path(".stakegraph"), alias="STAKEGRAPH_HOME")
    # Closed by default: a browser page on another origin gets no CORS headers at all.
    cors_origins: list[str] = Field(default_factory=list, alias="STAKEGRAPH_CORS_ORIGINS")
    cypher_max_rows: int = Field(default=1000, ge=1, alias="STAKEGRAPH_CYPHER_MAX_ROWS")
    cypher_timeout_s: float = Field(default=10.0, gt=0, alias="STAKEGRAPH_CYPHER_TIMEOUT")
    cypher_max_bytes: int = Field(default=4_000_000, ge=1_000, alias="STAKEGRAPH_CYPHER_MAX_BYTES")
    # A signal is "open" when raised within this many days before the account's analysis date.
    open_signal_days: int = Field(default=90, ge=1, alias="STAKEGRAPH_OPEN_SIGNAL_DAYS")
    # Ties on stakeholder maps and in suggestions come from this trailing window.
    tie_window_days: int = Field(default=90, ge=1, alias="STAKEGRAPH_TIE_WINDOW_DAYS")
    # Meetings this far back count for warm paths (co-attendance, docs/metrics.md).
    warm_history_days: int = Field(default=365, ge=0, alias="STAKEGRAPH_WARM_HISTORY_DAYS")

    # Seconds an answer computed per request (a map or suggestions as of another day, or any
    # read while the read model is warming or off) is reused; 0 = off.
    cache_ttl_s: float = Field(default=30.0, ge=0, alias="STAKEGRAPH_CACHE_TTL")

    # Departure impacts computed at once (each takes a core for up to seconds); more wait.
    impact_concurrency: int = Field(default=2, ge=1, alias="STAKEGRAPH_IMPACT_CONCURRENCY")
    # Requests a minute per API key (bursts up to a minute's worth), and presented keys that
    # are not valid a minute per client address; more get 429 with Retry-After. 0 = no limit.
    rate_limit_per_minute: int = Field(default=600, ge=0, alias="STAKEGRAPH_RATE_LIMIT")
    auth_failures_per_minute: int = Field(default=60, ge=0, alias="STAKEGRAPH_AUTH_FAILURE_LIMIT")
    # Requests whose body is larger are refused with 413, whose headers are larger with 431.
    max_body_bytes: int = Field(default=1_048_576, ge=1, alias="STAKEGRAPH_MAX_BODY_BYTES")
    max_header_bytes: int = Field(default=16_384, ge=1, alias="STAKEGRAPH_MAX_HEADER_BYTES")
    # Served by `stakegraph serve` (api/connections.py): a request's line and headers must
    # arrive within this many seconds (else 408), and one client address may hold this many
    # open connections (the next gets 503); behind a proxy, raise the second.
    header_timeout_s: float = Field(default=10.0, gt=0, alias="STAKEGRAPH_HEADER_TIMEOUT")
    # ... and its body within this many seconds of its headers (else 408).
    body_timeout_s: float = Field(default=30.0, gt=0, alias="STAKEGRAPH_BODY_TIMEOUT")
    # ... and an answer the client does not take in for this many seconds is dropped.
    write_timeout_s: float = Field(default=30.0, gt=0, alias="STAKEGRAPH_WRITE_TIMEOUT")
    max_connections_per_client: int = Field(
        default=128, ge=1, alias="STAKEGRAPH_MAX_CONNECTIONS_PER_CLIENT"
    )

    # The read model (stakegraph/api/read_model.py): list, detail, and the default-date map
    # and suggestions of every account, precomputed in memory.
    read_model: bool = Field(default=True, alias="STAKEGRAPH_READ_MODEL")
    # Seconds between checks of the store's fingerprint (one small query); 0 = at start only.
    read_model_poll_s: float = Field(default=5.0, ge=0, alias="STAKEGRAPH_READ_MODEL_POLL")
    # A model older than this is rebuilt even if the fingerprint did not change; 0 = never.
    read_model_max_age_s: float = Field(default=600.0, ge=0, alias="STAKEGRAPH_READ_MODEL_MAX_AGE")

    @property
    def keys_file(self) -> Path:
        """Where the hashed API keys live (configuration, not graph data)."""
        return self.home / "keys.json"


@lru_cache(maxsize=1)
def get_api_settings() -> ApiSettings:
    return ApiSettings()
