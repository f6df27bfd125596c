"""The in-process transformers backend with the real offline SmolLM2-135M-Instruct (batched)."""
from __future__ import annotations

import pytest

from annotate_helpers import add_comparisons

pytestmark = pytest.mark.slow


def test_transformers_backend_batched_and_cached(store, tmp_path):
    from prefbasis.annotate import AnnotateConfig, annotate
    from prefbasis.errors import ConfigError
    from prefbasis.models import smollm2_checkpoint
    try:
        ckpt = str(smollm2_checkpoint())
    except ConfigError as exc:
        pytest.skip(str(exc))
    add_comparisons(store, 3)
    tpl = tmp_path / "t.txt"
    tpl.write_text("### user\nQ: {prompt}\n1: {response_1}\n2: {response_2}\nResponse {winner} won. "
                   'Reply as JSON {"topic": "...", "preferences": [{"preference": "...", "description": "..."}]}')
    cfg = AnnotateConfig(annotator="transformers", model=ckpt, batch_size=2, max_tokens=24, prompt_file=str(tpl))
    rep = annotate(store, cfg)
    # every comparison finished: annotated, or stored as a validation failure with the raw text
    assert rep.annotated + rep.failed == 3 and rep.transport_errors == 0
    assert 3 <= rep.requests <= 6 and rep.tokens_out > 0  # 3 generations + at most one repair each
    assert store.scalar("select count(*) from annotate_cache") == 3
    assert store.scalar("select count(*) from annotation_failures where raw_output is null") == 0
    assert store.scalar("select count(distinct swapped) from annotate_cache") >= 1
    again = annotate(store, cfg)
    assert again.requests == 0 and again.cache_hits == 3
