"""The plug-in protocol: what an annotator receives and returns.

An annotator turns `AnnotationRequest`s (one comparison, responses already placed in display
order) into `AnnotationOutcome`s (the raw text, or an already-parsed dict, plus token usage).
The runner does selection, ordering, validation, caching, budget and storage.

Example:
    >>> class Shortest(BaseAnnotator):
    ...     name = "shortest"
    ...     def annotate_one(self, req):
    ...         return AnnotationOutcome(req, parsed={"topic": "any topic", "preferences": [
    ...             {"preference": "shorter answer", "description": "The winner is shorter."}]})
    >>> register_annotator("shortest", lambda cfg: Shortest())  # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class Comparison:
    """One stored comparison, as read from `comparisons`."""

    comparison_id: str
    prompt: str | None
    response_a: str | None
    response_b: str | None
    winner: str  # 'a' | 'b' | 'tie'
    rationale: str | None = None
    presented_order: str | None = None  # 'b_first': the rationale's judge saw response_b first


@dataclass(frozen=True)
class AnnotationRequest:
    """A comparison shown in display order: `swapped` means response B is shown first.

    `winner_position` is 1 or 2 (the position of the human's winner as shown), 0 for a tie.
    `messages` is the rendered chat (system + user) for LLM backends.
    """

    comparison: Comparison
    cache_key: str
    swapped: bool
    messages: list[dict[str, str]] = field(default_factory=list)

    @property
    def first(self) -> str | None:
        c = self.comparison
        return c.response_b if self.swapped else c.response_a

    @property
    def second(self) -> str | None:
        c = self.comparison
        return c.response_a if self.swapped else c.response_b

    @property
    def winner_position(self) -> int:
        w = self.comparison.winner
        if w == "tie":
            return 0
        return 1 if (w == "a") != self.swapped else 2


@dataclass
class AnnotationOutcome:
    """What a backend returns for one request.

    Give `raw` (model text, validated and repaired by the runner) or `parsed` (a dict that
    follows the schema). `error` set means the request itself failed (transport); it is stored
    in `annotation_failures` and retried on the next run.
    """

    request: AnnotationRequest
    raw: str | None = None
    parsed: dict[str, Any] | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    error: str | None = None
    invalid: str | None = None  # the backend's own verdict that there is nothing valid to store
    requests_made: int = 0  # HTTP requests this outcome cost (retries included)


@runtime_checkable
class Annotator(Protocol):
    """Implement this (or subclass `BaseAnnotator`) and `register_annotator` it.

    The runner calls `annotate_batch` from up to `--concurrency` tasks at once, with at most
    `batch_size` requests each, and `repair` once for an output that fails the schema.
    """

    name: str
    model: str
    uses_llm: bool       # False: needs no prompt/response text, costs nothing (e.g. rationale)
    batch_size: int

    def params(self) -> dict[str, Any]:
        """Parameters that change the output (they enter the cache key)."""
        ...

    async def annotate_batch(self, requests: list[AnnotationRequest]) -> list[AnnotationOutcome]:
        ...

    async def repair(self, outcome: AnnotationOutcome, error: str) -> AnnotationOutcome:
        """One retry after a schema error; LLM backends re-ask, others return `outcome`."""
        ...

    async def aclose(self) -> None:
        ...

    # Optional: `prepare(corpus: Sequence[Comparison]) -> None` is called once before `params()`
    # with every comparison of the datasets being annotated (the rationale backend learns which
    # words are subject matter there).


class BaseAnnotator:
    """Convenience base: implement `annotate_one` (sync, may block) and get the rest."""

    name = "base"
    model = ""
    uses_llm = False
    batch_size = 64

    def params(self) -> dict[str, Any]:
        return {}

    def annotate_one(self, request: AnnotationRequest) -> AnnotationOutcome:
        raise NotImplementedError

    async def annotate_batch(self, requests: list[AnnotationRequest]) -> list[AnnotationOutcome]:
        return [self.annotate_one(r) for r in requests]

    async def repair(self, outcome: AnnotationOutcome, error: str) -> AnnotationOutcome:
        return outcome

    async def aclose(self) -> None:
        return None
