"""The rationale annotator on the real PRD GPT-4 reviews (ingested with `prefbasis ingest`)."""
from __future__ import annotations

from conftest import shared_data
from prefbasis.cli import main


def test_rationale_on_prd_gpt4_reviews(db_path, capsys):
    prd = shared_data("prd-vicuna80")
    assert main(["--db", str(db_path), "-q", "ingest", str(prd), "--format", "prd"]) == 0
    assert main(["--db", str(db_path), "-q", "annotate", "--annotator", "rationale", "--where",
                 "c.judge = 'gpt4'"]) == 0
    assert capsys.readouterr().out.strip().endswith("requests made: 0")
    from prefbasis.store import Store
    with Store.open(db_path, read_only=True) as s:
        n = s.scalar("select count(*) from annotations where annotator = 'rationale'")
        assert n >= 1000
        ann = s.df("select preference, description, topic from annotations")
        failed = s.scalar("select count(*) from annotation_failures")
        decided = s.scalar("select count(*) from comparisons where judge = 'gpt4' and winner <> 'tie'")
        covered = s.scalar("select count(distinct comparison_id) from annotate_cache")
    assert covered == decided  # every decided review is annotated or recorded as a failure
    assert failed < 0.15 * decided
    desc = ann["description"]
    assert not desc.str.contains(r"Assistant [12]|\d+/10", regex=True).any()  # rewritten, no scores
    assert ann["preference"].str.split().str.len().between(2, 6).all()
    assert ann["topic"].str.split().str.len().between(1, 6).all()
