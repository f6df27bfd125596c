"""`prd`: the PRD (Peer Rank and Discussion) vicuna80 folder.

Layout: `questions.jsonl` (`question_id, text, category`), `generations/answer_{M}.jsonl`
(`answer_id, question_id, model_id, text`), `ratings-human/answer_{M1}-vs-answer_{M2}-human-
reviewer_threeclass.jsonl` (`question_id, text, score`) and `ratings-gpt4/answer_{M1}-vs-answer_
{M2}-gpt4-reviewer[_-]threeclass.jsonl` (`review_id, question_id, answer1_id, answer2_id,
reviewer_id, metadata, text, score`). Model names come from the file names; `score` 1 = M1 (a)
wins, 2 = M2 (b) wins, 3 = tie. `judge` is 'human' or 'gpt4'; GPT-4's review goes to
`rationale`. Models without a generations file (guanaco-7b/13b/33b/65b) get NULL responses; a
folder without `generations/` at all is refused (it would store votes without any text).
A rating row that fails a check comes as a `BadRow` (`--on-bad-rows skip` skips it); a bad row in
`questions.jsonl` or `generations/` stops the ingest (the ratings depend on it).
Several human raters judged each pair without rater ids, so identical votes are separate rows
(their identity is `file:line`). Files may be gzip-compressed (`*.jsonl.gz`, as in the copy that
ships with prefbasis: `prefbasis ingest --example prd-vicuna80`).

Example:
    >>> RATING_FILE.match("answer_gpt4-vs-answer_bard-gpt4-reviewer-threeclass.jsonl").groups()
    ('gpt4', 'bard', 'gpt4')
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prefbasis.errors import InputError
from prefbasis.ingest.records import BadRow, Record, check_record, raw_json, require, text
from prefbasis.ingest.sources import iter_rows

RATING_FILE = re.compile(r"^answer_(.+?)-vs-answer_(.+?)-(human|gpt4)-reviewer[_-]threeclass\.jsonl(?:\.gz)?$")
RATING_DIRS = ("ratings-human", "ratings-gpt4")
SCORE_WINNER = {1: "a", 2: "b", 3: "tie"}


def _questions(folder: Path) -> dict[Any, dict[str, Any]]:
    path = _jsonl(folder / "questions.jsonl")
    if not path.exists():
        raise InputError("not a PRD folder: questions.jsonl is missing", file=str(folder))
    out = {}
    for n, row in iter_rows(path):
        qid = require(row, "question_id", file=str(path), row_no=n)
        out[qid] = {"text": text(require(row, "text", file=str(path), row_no=n), file=str(path), row=n,
                                 field_name="text"), "category": row.get("category")}
    return out


def _generations(folder: Path) -> dict[str, dict[Any, dict[str, Any]]]:
    if not (folder / "generations").is_dir():
        raise InputError("not a PRD folder: generations/ is missing (the answers the votes are about)",
                         file=str(folder))
    out: dict[str, dict[Any, dict[str, Any]]] = {}
    for path in sorted((folder / "generations").glob("answer_*.jsonl*")):
        model = path.name[len("answer_"):].removesuffix(".gz").removesuffix(".jsonl")
        answers = out.setdefault(model, {})
        for n, row in iter_rows(path):
            qid = require(row, "question_id", file=str(path), row_no=n)
            answers[qid] = {"text": text(require(row, "text", file=str(path), row_no=n), file=str(path),
                                         row=n, field_name="text"),
                            "answer_id": row.get("answer_id"), "model_id": row.get("model_id")}
    return out


def _score(value: Any, *, file: str, row: int) -> str:
    try:
        return SCORE_WINNER[int(value)]
    except (KeyError, TypeError, ValueError):
        raise InputError(f"unknown winner value {value!r} (expected score 1, 2 or 3)", file=file,
                         row=row, field="score") from None


def _jsonl(path: Path) -> Path:
    """`path`, or its gzip-compressed `path.gz` when only that exists (the bundled copy)."""
    gz = path.with_name(path.name + ".gz")
    return gz if not path.exists() and gz.exists() else path


def rating_files(folder: Path) -> list[Path]:
    """Every rating file; a missing ratings folder or a file name without two models is an error."""
    files = []
    for sub in RATING_DIRS:
        if not (folder / sub).is_dir():
            raise InputError(f"not a PRD folder: {sub}/ is missing", file=str(folder))
        for path in sorted((folder / sub).glob("*.jsonl*")):
            if not RATING_FILE.match(path.name):
                raise InputError("rating file name does not name two models "
                                 "(answer_M1-vs-answer_M2-{human,gpt4}-reviewer_threeclass.jsonl)",
                                 file=str(path), field="file name")
            files.append(path)
    return files


def parse_prd(folder: Path) -> Iterator[Record | BadRow]:
    """All human and GPT-4 judgements of a PRD vicuna80 folder."""
    if not folder.is_dir():
        raise InputError("--format prd reads a folder (questions.jsonl, generations/, ratings-*/)",
                         file=str(folder))
    questions, answers = _questions(folder), _generations(folder)
    for path in rating_files(folder):
        m1, m2, judge = RATING_FILE.match(path.name).groups()
        rel, file = f"{path.parent.name}/{path.name.removesuffix('.gz')}", str(path)
        for n, row in iter_rows(path, keep_bad=True):
            try:
                if isinstance(row, BadRow):
                    raise row.error
                yield check_record(_rating(row, questions, answers, m1, m2, judge, rel, file, n),
                                    file=file, row=n)
            except InputError as exc:
                yield row if isinstance(row, BadRow) else BadRow(exc, raw_json(row))


def _rating(row: dict[str, Any], questions: dict, answers: dict, m1: str, m2: str, judge: str,
            rel: str, file: str, n: int) -> Record:
    """One rating row -> Record."""
    qid = require(row, "question_id", file=file, row_no=n)
    if qid not in questions:
        raise InputError(f"question_id {qid!r} is not in questions.jsonl", file=file, row=n,
                         field="question_id")
    sides = []
    for model in (m1, m2):
        if model in answers and qid not in answers[model]:
            raise InputError(f"no answer of {model} to question {qid!r} in generations/",
                             file=file, row=n, field="question_id")
        sides.append(answers.get(model, {}).get(qid))
    winner = _score(require(row, "score", file=file, row_no=n), file=file, row=n)
    extra = {"question_id": qid, "category": questions[qid]["category"], "score": row["score"],
             "model_id_a": sides[0] and sides[0]["model_id"],
             "model_id_b": sides[1] and sides[1]["model_id"]}
    rationale = None
    if judge == "gpt4":
        rationale = text(require(row, "text", file=file, row_no=n), file=file, row=n, field_name="text")
        extra.update({k: row.get(k) for k in ("review_id", "reviewer_id", "answer1_id", "answer2_id")})
    return Record(source_key=f"{rel}:{n}", prompt=questions[qid]["text"],
                  response_a=sides[0] and sides[0]["text"], response_b=sides[1] and sides[1]["text"],
                  winner=winner, model_a=m1, model_b=m2, judge=judge, language="English",
                  turns=1, rationale=rationale, extra=extra)
