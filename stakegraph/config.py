"""Settings, read once from the environment (and an optional ``.env``)."""

from __future__ import annotations

import logging
import os
import stat
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the store is and how stakegraph behaves.

    With ``NEO4J_URI`` unset, stakegraph starts its embedded ArcadeDB store under
    ``STAKEGRAPH_HOME``; with it set, the same code talks to that Neo4j 5.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    home: Path = Field(default=Path(".stakegraph"), alias="STAKEGRAPH_HOME")
    neo4j_uri: str | None = Field(default=None, alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: str | None = Field(default=None, alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")
    # A user that may only read (Neo4j Enterprise roles), for analysts' Cypher; without
    # one, analysts' statements use the main user in READ access mode, which Neo4j enforces.
    neo4j_reader_user: str | None = Field(default=None, alias="NEO4J_READER_USER")
    neo4j_reader_password: str | None = Field(default=None, alias="NEO4J_READER_PASSWORD")
    store_heap: str = Field(default="2g", alias="STAKEGRAPH_STORE_HEAP")
    store_start_timeout_s: float = Field(default=120.0, alias="STAKEGRAPH_STORE_START_TIMEOUT")
    # Our own mail domains, comma-separated: their people belong to the home organization
    # when mail and calendars are ingested (`stakegraph ingest --home-domain` adds to them).
    home_domains_text: str = Field(default="", alias="STAKEGRAPH_HOME_DOMAINS")

    @property
    def embedded(self) -> bool:
        return not self.neo4j_uri

    @property
    def home_domains(self) -> tuple[str, ...]:
        return tuple(
            d.strip().lower()
            for d in self.home_domains_text.replace(";", ",").split(",")
            if d.strip()
        )


log = logging.getLogger(__name__)


def private_home(home: Path) -> Path:
    """``STAKEGRAPH_HOME``, created if missing, reachable by its owner only (mode 0700).

    It holds the embedded store's database files and logs, import staging and rejects
    (names, addresses, subjects) and the key ring: files other users of the machine must
    not read, whatever mode each was created with. A home that others could enter is
    tightened, and that is logged; a home owned by someone else is left as it is (and
    logged), since only its owner may change its mode.
    """
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = stat.S_IMODE(home.stat().st_mode)
    if mode & 0o077:
        try:
            os.chmod(home, mode & 0o700)
        except OSError as exc:
            log.warning("STAKEGRAPH_HOME %s is open to other users (mode %o): %s", home, mode, exc)
        else:
            log.warning(
                "STAKEGRAPH_HOME %s was open to other users (mode %o); now %o",
                home,
                mode,
                mode & 0o700,
            )
    return home


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
