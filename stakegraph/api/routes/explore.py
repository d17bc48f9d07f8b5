"""Curated explorations for analysts: the list, and one run with parameters.

They run exactly as ``POST /api/cypher`` does (read-only runner, the same row cap and
timeout); only the statement comes from the curated files instead of the caller.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from stakegraph.api.deps import AnalystDep, SettingsDep, StoreDep
from stakegraph.api.errors import InvalidRequestError, NotFoundError
from stakegraph.workbench.explorations import (
    Exploration,
    ExplorationNotFoundError,
    ExplorationParameterError,
    explorations,
    get_exploration,
    run_exploration,
)

router = APIRouter(prefix="/api/explore", tags=["explore"])


class ExplorationParameterPublic(BaseModel):
    name: str
    type: str = Field(description="int, float, text, date (YYYY-MM-DD) or list (of text)")
    default: Any = Field(description="the value used when the parameter is left out")
    default_text: str = Field(description="the default as documented (`required`, `null`, ...)")
    required: bool
    description: str


class ExplorationPublic(BaseModel):
    name: str
    title: str
    question: str
    parameters: list[ExplorationParameterPublic]
    columns: list[str]
    example: str


class ExplorationsPublic(BaseModel):
    data: list[ExplorationPublic]
    count: int


class ExplorationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parameters: dict[str, Any] = Field(
        default_factory=dict, description="by name; the others take their defaults"
    )
    limit: int = Field(default=100, ge=1, description="at most this many rows (server cap)")


class ExplorationResultPublic(BaseModel):
    name: str
    parameters: dict[str, Any] = Field(description="every parameter's value as the query got it")
    columns: list[str]
    rows: list[dict[str, Any]]
    count: int
    truncated: bool


@router.get("", response_model=ExplorationsPublic)
def list_explorations(principal: AnalystDep) -> ExplorationsPublic:
    """The curated explorations with their questions and parameters (analyst, admin)."""
    data = [_public(e) for e in explorations().values()]
    return ExplorationsPublic(data=data, count=len(data))


@router.post(
    "/{name}",
    response_model=ExplorationResultPublic,
    responses={
        400: {"description": "the query failed or timed out"},
        404: {"description": "no such exploration"},
        422: {"description": "a parameter was refused (the message names it)"},
    },
)
def run(
    name: Annotated[str, Path(min_length=1, max_length=100, description="exploration")],
    request: ExplorationRequest,
    store: StoreDep,
    settings: SettingsDep,
    principal: AnalystDep,
) -> ExplorationResultPublic:
    """Run one exploration, read-only, with the row and byte caps and timeout of ``/api/cypher``."""
    try:
        bound = get_exploration(name).bind(request.parameters)
        result = run_exploration(
            store,
            name,
            request.parameters,
            limit=min(request.limit, settings.cypher_max_rows),
            timeout_s=settings.cypher_timeout_s,
            max_bytes=settings.cypher_max_bytes,
            caller=principal.key_id,
        )
    except ExplorationNotFoundError:
        raise NotFoundError("exploration", name) from None
    except ExplorationParameterError as exc:
        raise InvalidRequestError(str(exc)) from None
    return ExplorationResultPublic(
        name=name,
        parameters=bound,
        columns=result.columns,
        rows=result.rows,
        count=len(result.rows),
        truncated=result.truncated,
    )


def _public(exploration: Exploration) -> ExplorationPublic:
    return ExplorationPublic(
        name=exploration.name,
        title=exploration.title,
        question=exploration.question,
        parameters=[
            ExplorationParameterPublic(
                name=p.name,
                type=p.type,
                default=p.default if p.type != "date" else None,
                default_text=p.default_text,
                required=p.required,
                description=p.description,
            )
            for p in exploration.parameters
        ],
        columns=exploration.columns,
        example=exploration.example,
    )
