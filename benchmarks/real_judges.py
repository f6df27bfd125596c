"""The per-judge table of issue 11: is the basis of real judges' explanations a basis of preferences?

For each judge (and pooled) in ../shared/data — PRD's GPT-4 reviews, LLMBar's six judges, PandaLM's
two judges — in a fresh store of its own: ingest (bad rows skipped and counted), annotate with the
offline `rationale` backend, extract at k = 21 and at k = auto, and print: share annotated (of the
non-tie comparisons whose rationale states a reason; `share_for_winner` also leaves out those whose
verdict contradicts the stored winner), failures by reason, coverage@21, held-out coverage,
effective categories, content leakage, topic leakage (AMI), separation, flagged names, k auto (and
whether it reached the target). Then transfer: a basis fit on one judge, applied to another judge's
descriptions, against that judge's own basis.

    .venv/bin/python benchmarks/real_judges.py --out /tmp/real_judges            # everything
    .venv/bin/python benchmarks/real_judges.py --only prd-gpt4 llmbar-gpt-4       # some
    .venv/bin/python benchmarks/real_judges.py --raw                              # LLMBar/PandaLM raw rationales
    .venv/bin/python benchmarks/real_judges.py --only prd-gpt4 --pooled           # + all nine judges pooled

Writes `<out>/table.md`, `<out>/table.json` and one store per source (`<out>/<source>.duckdb`).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LLMBAR_JUDGES = ["gpt-4", "gpt-35-turbo-0613", "gpt-35-turbo-0301", "text-bison-001",
                 "meta-llama/Llama-2-70b-chat-hf", "tiiuae/falcon-180B-chat"]
PANDALM_JUDGES = ["gpt-3.5-turbo", "PandaLM-7B-v1"]


def _subset(src: Path, judge: str | None, out: Path) -> Path:
    """The rows of one judge (or all) as a JSONL file."""
    if judge is None:
        return src
    rows = [line for line in gzip.open(src, "rt", encoding="utf-8") if json.loads(line)["judge"] == judge]
    out.write_text("".join(rows), encoding="utf-8")
    return out


def sources(raw: bool) -> dict[str, dict]:
    """name -> {path, format, mapping}."""
    out = {"prd-gpt4": {"path": DATA / "prd-vicuna80", "format": "prd", "mapping": None}}
    mapping = {"rationale": "rationale_raw", "presented_order": "presented_order"} if raw else None
    for judge in LLMBAR_JUDGES + [None]:
        tag = (judge or "all").split("/")[-1]
        out[f"llmbar-{tag}"] = {"path": DATA / "llmbar" / "llmbar_cot.jsonl.gz", "judge": judge,
                                "format": "table", "mapping": mapping}
    pmap = {"rationale": "rationale_raw"} if raw else None
    for judge in PANDALM_JUDGES + [None]:
        tag = judge or "all"
        out[f"pandalm-{tag}"] = {"path": DATA / "pandalm" / "pandalm_testset.jsonl.gz", "judge": judge,
                                 "format": "table", "mapping": pmap}
    return out


def run_one(name: str, spec: dict, out: Path, seed: int, specs: dict | None = None) -> dict:
    """One row of the table: `spec` is a source, or {"pool": [source names in `specs`]} (one store,
    one dataset per source, one basis on all of them: `extract --pool`)."""
    from prefbasis.annotate import AnnotateConfig, annotate
    from prefbasis.basis import ExtractConfig, extract
    from prefbasis.errors import PrefbasisError
    from prefbasis.ingest import ingest
    from prefbasis.store import Store

    db = out / f"{name}.duckdb"
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    row: dict = {"source": name, "ingested": 0, "rejected": 0, "annotated": 0, "mentions": 0}
    t0 = time.perf_counter()
    parts = [(part, specs[part]) for part in spec["pool"]] if "pool" in spec else [(name, spec)]
    with Store.open(str(db)) as store:
        datasets = []
        for part, pspec in parts:   # a pooled row: each source its own dataset, annotated on its own
            path = pspec["path"]
            if pspec.get("judge") is not None or "judge" in pspec:
                path = _subset(pspec["path"], pspec.get("judge"), out / f"{part}.jsonl")
            try:
                kwargs = {"mapping": pspec["mapping"]} if pspec["mapping"] else {}
                try:
                    rep = ingest(store, str(path), pspec["format"], name=part, on_bad_rows="skip", **kwargs)
                except TypeError:  # a build without --on-bad-rows
                    rep = ingest(store, str(path), pspec["format"], name=part, **kwargs)
                row["ingested"] += rep.added
                rejected = getattr(rep, "rejected", 0)
                row["rejected"] += len(rejected) if isinstance(rejected, (list, tuple)) else int(rejected or 0)
            except PrefbasisError as exc:
                row["error"] = f"ingest: {exc}"
                return row
            datasets.append(rep.dataset_id)
            ann = annotate(store, AnnotateConfig(annotator="rationale", dataset=rep.dataset_id, quiet=True))
            row["annotated"] += ann.annotated
            row["mentions"] += ann.preferences
        with_rationale = store.scalar("select count(*) from comparisons where winner <> 'tie' and rationale is "
                                      "not null and trim(rationale) <> ''")
        row["with_rationale"] = int(with_rationale)
        row["share_annotated"] = round(row["annotated"] / max(with_rationale, 1), 3)
        which = {"pool": datasets} if len(datasets) > 1 else {}
        reasons = store.df("select coalesce(regexp_extract(error, '^([a-z ]+)', 1), error) as reason, count(*) n "
                           "from annotation_failures group by 1 order by n desc")
        row["failures"] = {r.reason: int(r.n) for r in reasons.itertuples()}
        no_reason = row["failures"].get("no reason stated", 0)
        contradicts = row["failures"].get("verdict contradicts winner", 0)
        row["share_annotated"] = round(row["annotated"] / max(with_rationale - no_reason, 1), 3)
        row["share_for_winner"] = round(row["annotated"] / max(with_rationale - no_reason - contradicts, 1), 3)
        if row["annotated"] < 10:
            row["error"] = "too few annotations for a basis"
            return row
        try:
            bauto = extract(store, ExtractConfig(k="auto", seed=seed, topics=False, heldout=False, quiet=True,
                                                 name=f"{name}-auto", **which))
            try:
                b21 = extract(store, ExtractConfig(k=21, seed=seed, topics=False, quiet=True, name=f"{name}-k21",
                                                   **which))
            except PrefbasisError as exc:   # fewer than 21 categories add coverage: the metrics at k auto
                row["note"] = f"k=21 not possible ({exc}); metrics at k auto"
                b21 = extract(store, ExtractConfig(k="auto", seed=seed, topics=False, quiet=True, name=f"{name}-k21",
                                                   **which))
        except PrefbasisError as exc:
            row["error"] = f"extract: {exc}"
            return row
        leak = b21.leakage
        row.update({"coverage21": round(b21.coverage, 3), "heldout21": _r(b21.heldout_coverage),
                    "effective_categories": leak["effective_categories"],
                    "content_leakage": leak["content_leakage"], "topic_ami": _r(leak["topic_leakage_ami"]),
                    "separation": _r(leak["separation"]), "same_label_cross_prompt": _r(leak["same_label_cross_prompt"]),
                    "diff_label_same_prompt": _r(leak["different_label_same_prompt"]),
                    "flagged_names": len(leak["flagged_names"]), "k_auto": bauto.k,
                    "k_auto_coverage": round(bauto.coverage, 3), "k_auto_reached": bauto.target_reached,
                    "basis21": b21.basis_id, "distinct": b21.n_descriptions,
                    "names21": [(c["name"], round(c["share"], 3)) for c in b21.card["categories"]]})
    row["seconds"] = round(time.perf_counter() - t0, 1)
    return row


def _r(v):
    return None if v is None else round(float(v), 3)


def transfer(out: Path, pairs: list[tuple[str, str]]) -> list[dict]:
    """Coverage of judge Y's mentions under judge X's k=21 basis vs under Y's own."""
    import numpy as np

    from prefbasis.basis import load_basis
    from prefbasis.embed import normalize_text
    from prefbasis.store import Store

    rows = []
    for x, y in pairs:
        dx, dy = out / f"{x}.duckdb", out / f"{y}.duckdb"
        if not (dx.exists() and dy.exists()):
            continue
        with Store.open(str(dy), read_only=True) as sy:
            texts = [normalize_text(t) for t in sy.df("select description from annotations")["description"]]
            own = load_basis(sy, f"{y}-k21")
            own_cov = float(np.mean(own.predict(texts) >= 0))
            with Store.open(str(dx), read_only=True) as sx:
                other = load_basis(sx, f"{x}-k21")
                other.embedder = own.embedder   # y's texts, y's embedding cache
                cov = float(np.mean(other.predict(texts) >= 0))
        rows.append({"fit_on": x, "applied_to": y, "coverage": round(cov, 3), "own_basis": round(own_cov, 3),
                     "gap": round(own_cov - cov, 3)})
    return rows


def markdown(rows: list[dict], trans: list[dict]) -> str:
    cols = ["source", "ingested", "rejected", "with_rationale", "annotated", "share_annotated", "share_for_winner",
            "mentions",
            "coverage21", "heldout21", "effective_categories", "content_leakage", "topic_ami", "separation",
            "flagged_names", "k_auto", "k_auto_coverage", "k_auto_reached", "seconds"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(c, r.get("error", "")) if c in r or c == "source" else "–")
                                       for c in cols) + " |")
    lines += ["", "failures by reason:"]
    lines += [f"- {r['source']}: {r.get('failures')} {r.get('error', '')}{r.get('note', '')}" for r in rows]
    if trans:
        lines += ["", "| basis fit on | applied to | coverage | own basis | gap |", "|---|---|---|---|---|"]
        lines += [f"| {t['fit_on']} | {t['applied_to']} | {t['coverage']} | {t['own_basis']} | {t['gap']} |"
                  for t in trans]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="/tmp/real_judges")
    ap.add_argument("--only", nargs="*", help="source names (default: all)")
    ap.add_argument("--raw", action="store_true", help="LLMBar/PandaLM: the judges' raw rationale")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pooled", action="store_true",
                    help="also a row 'pooled-all': PRD, LLMBar and PandaLM as three datasets, one basis "
                         "(`extract --pool`)")
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"needs the real data at {DATA}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    specs = sources(args.raw)
    names = args.only or list(specs)
    if args.pooled:
        specs["pooled-all"] = {"pool": ["prd-gpt4", "llmbar-all", "pandalm-all"]}
        names.append("pooled-all")
    rows = []
    for name in names:
        row = run_one(name, specs[name], out, args.seed, specs)
        rows.append(row)
        print(json.dumps({k: v for k, v in row.items() if k != "names21"}), flush=True)
    done = {r["source"] for r in rows if "coverage21" in r}
    pairs = [(x, y) for x in done for y in done if x != y and not x.endswith("-all") and not y.endswith("-all")
             and x.split("-")[0] == y.split("-")[0] or (x, y) in {("prd-gpt4", "llmbar-gpt-4"),
                                                                    ("llmbar-gpt-4", "prd-gpt4")}]
    trans = transfer(out, sorted(set(p for p in pairs if p[0] in done and p[1] in done and p[0] != p[1])))
    (out / "table.json").write_text(json.dumps({"rows": rows, "transfer": trans}, indent=1, default=str))
    md = markdown(rows, trans)
    (out / "table.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
