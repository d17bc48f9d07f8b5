"""Alert settings, read once from the environment (and an optional ``.env``).

Secrets (the SMTP password, the webhook URL, whose path is its token) are ``SecretStr``:
they print as ``**********`` and are never logged or stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class AlertSettings(BaseSettings):
    """Where alerts go and how hard to try (docs/api.md has the table)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    webhook_url: SecretStr | None = Field(default=None, alias="STAKEGRAPH_ALERT_WEBHOOK_URL")
    smtp_host: str | None = Field(default=None, alias="STAKEGRAPH_SMTP_HOST")
    smtp_port: int = Field(default=587, ge=1, le=65535, alias="STAKEGRAPH_SMTP_PORT")
    # none: plain SMTP; starttls: upgrade after connecting (port 587); tls: TLS from the
    # start (port 465).
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="starttls", alias="STAKEGRAPH_SMTP_SECURITY"
    )
    smtp_user: str | None = Field(default=None, alias="STAKEGRAPH_SMTP_USER")
    smtp_password: SecretStr | None = Field(default=None, alias="STAKEGRAPH_SMTP_PASSWORD")
    # A CA bundle to trust for the SMTP server's certificate (a private CA); default: the
    # system's.
    smtp_ca_file: Path | None = Field(default=None, alias="STAKEGRAPH_SMTP_CA_FILE")
    smtp_from: str = Field(default="stakegraph@localhost", alias="STAKEGRAPH_SMTP_FROM")
    # Comma-separated addresses.
    to_text: str = Field(default="", alias="STAKEGRAPH_ALERT_TO")
    min_severity: float = Field(default=0.7, ge=0, le=1, alias="STAKEGRAPH_ALERT_MIN_SEVERITY")
    tries: int = Field(default=4, ge=1, le=20, alias="STAKEGRAPH_ALERT_TRIES")
    # A delivery that failed on this many runs is given up (alerts log shows it).
    give_up_after: int = Field(default=5, ge=1, le=1000, alias="STAKEGRAPH_ALERT_GIVE_UP_AFTER")
    backoff_s: float = Field(default=1.0, ge=0, alias="STAKEGRAPH_ALERT_BACKOFF")
    timeout_s: float = Field(default=10.0, gt=0, alias="STAKEGRAPH_ALERT_TIMEOUT")
    # `stakegraph analyze` sends the alerts after writing its results.
    on_analyze: bool = Field(default=False, alias="STAKEGRAPH_ALERTS_ON_ANALYZE")

    @property
    def to(self) -> tuple[str, ...]:
        return tuple(a.strip() for a in self.to_text.replace(";", ",").split(",") if a.strip())
