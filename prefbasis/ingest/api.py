"""`ingest`: read a source in one format, filter, and write it to the store in one transaction.

Everything is parsed (and every bad row reported) before anything is written, so bad input leaves
the store exactly as it was. With `on_bad_rows="skip"` a bad row is reported instead, kept in
`rejected_rows`, and the rest lands in one transaction.

Example:
    >>> import tempfile, pathlib, json
    >>> from prefbasis.store import Store
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "prefs.jsonl"
    >>> _ = p.write_text(json.dumps({"prompt": "Sky?", "chosen": "Blue.", "rejected": "Green."}) + "\\n")
    >>> store = Store.open(":memory:")
    >>> ingest(store, str(p), "trl").added, ingest(store, str(p), "trl").added
    (1, 0)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefbasis.errors import InputError
from prefbasis.ingest.config import IngestConfig, SourceFormat
from prefbasis.ingest.filters import apply_filters
from prefbasis.ingest.records import BadRow
from prefbasis.ingest.registry import read_source
from prefbasis.ingest.sources import SUFFIXES, check_path, is_hf_id
from prefbasis.ingest.writer import DatasetMeta, write_comparisons, write_rejected

if TYPE_CHECKING:
    from prefbasis.store import Store


@dataclass
class IngestReport:
    """What one ingest did. `removed` maps each active filter to the rows it removed; `rejected`
    holds the rows skipped by `on_bad_rows="skip"`."""

    dataset_id: str
    name: str
    added: int
    duplicates: int
    removed: dict[str, int] = field(default_factory=dict)
    total_read: int = 0
    notes: list[str] = field(default_factory=list)
    rejected: list[BadRow] = field(default_factory=list)

    def rejected_lines(self) -> list[str]:
        """One line per skipped row (file, row, field: reason), then their count."""
        if not self.rejected:
            return []
        return [f"skipped: {b.error}" for b in self.rejected] + [
            f"--on-bad-rows skip: rejected {len(self.rejected)} rows (kept in the rejected_rows table)"]

    def summary(self) -> str:
        """Human-readable lines for the CLI."""
        lines = [f"dataset {self.name} ({self.dataset_id})",
                 f"read {self.total_read} rows: added {self.added}, duplicates {self.duplicates}"
                 + (f", rejected {len(self.rejected)}" if self.rejected else "")]
        lines += [f"filter --{k.replace('_', '-')}: removed {v}" for k, v in self.removed.items()]
        return "\n".join(lines + self.notes + self.rejected_lines())


def _default_name(source: str) -> str:
    if is_hf_id(source):
        return source
    name = Path(source).name or Path(source).resolve().name
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def ingest(store: "Store", source: "IngestConfig | str | Path", format: SourceFormat | str | None = None,
           **options: Any) -> IngestReport:
    """Ingest a source (file, folder or Hugging Face id) into `store`.

    Takes an `IngestConfig`, or its fields: `ingest(store, "prefs.jsonl", "trl", no_ties=True)`.
    Raises `InputError` (file, row, field) on bad input, with the store unchanged; with
    `on_bad_rows="skip"` bad rows are skipped, reported and kept in `rejected_rows` instead.
    """
    cfg = source if isinstance(source, IngestConfig) else IngestConfig(source=str(source), format=format,
                                                                       **options)
    fmt, source, mapping, policy = cfg.format, cfg.source, cfg.mapping, cfg.on_bad_rows
    if not is_hf_id(source):
        check_path(Path(source))  # before any progress bar is drawn
    records, bad = read_source(source, fmt, mapping, on_bad_rows=policy)
    total = (len(records) if isinstance(records, list) else records.num_rows) + len(bad)
    if bad and not (len(records) if isinstance(records, list) else records.num_rows):
        raise InputError(f"no valid rows: all {len(bad)} rows were rejected (the first: {bad[0].error})",
                         file=source)
    kept, removed, unknown = apply_filters(records, english=cfg.english, no_ties=cfg.no_ties,
                                           single_turn=cfg.single_turn)
    notes = []
    if unknown:
        notes.append(f"filter --english: kept {unknown} rows with no language in the data")
    rows = kept if isinstance(kept, list) else []  # the vectorized path admits no blank/missing text
    empty = sum(1 for r in rows if r.response_a == "" or r.response_b == "")
    if empty:
        notes.append(f"kept {empty} rows whose upstream response is an empty assistant turn")
    no_text = sum(1 for r in rows if r.response_a is None or r.response_b is None)
    if no_text:
        notes.append(f"kept {no_text} votes without response text (models with no answers in the source)")
    stored_source = source if is_hf_id(source) else str(Path(source).resolve())
    meta = DatasetMeta(name=cfg.name or _default_name(source), source=stored_source, format=fmt.value,
                       params={"english": cfg.english, "no_ties": cfg.no_ties, "single_turn": cfg.single_turn,
                               "mapping": mapping or {}, "on_bad_rows": policy.value})
    with store.transaction() as con:
        result = write_comparisons(con, meta, kept)
        write_rejected(con, result.dataset_id, source, bad)
    return IngestReport(dataset_id=result.dataset_id, name=meta.name, added=result.added,
                        duplicates=result.duplicates, removed=removed, total_read=total, notes=notes,
                        rejected=bad)
