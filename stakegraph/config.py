"""Settings, read once from the environment (and an optional ``.env``)."""

from __future__ import annotations

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
