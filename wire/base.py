"""The two kinds of model on the wire."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Body(BaseModel):
    """A request body: an unknown field is refused, so a misspelt one is an error."""

    model_config = ConfigDict(extra="forbid")


class Answer(BaseModel):
    """A server's answer: unknown fields are ignored, so an older client still reads
    the answers of a newer server."""

    model_config = ConfigDict(extra="ignore")
