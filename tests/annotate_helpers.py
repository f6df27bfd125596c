"""Rows for annotate tests, written straight into `comparisons` of a real store."""
from __future__ import annotations

from prefbasis.hashing import content_hash


def add_comparisons(store, n: int, *, ties: int = 0, no_text: int = 0, dataset: str = "d1") -> list[str]:
    """n decided comparisons (+ ties, + rows without text, which have only a rationale)."""
    ids = []
    with store.transaction() as con:
        con.execute("insert into datasets(dataset_id, name, source, format, n_rows) values (?, ?, 'test', 'table', ?) "
                    "on conflict do nothing", [dataset, dataset, n + ties + no_text])
        for i in range(n + ties + no_text):
            tie = n <= i < n + ties
            text = i < n + ties
            cid = content_hash(dataset, i)
            ids.append(cid)
            con.execute(
                "insert into comparisons(comparison_id, dataset_id, prompt, response_a, response_b, model_a, "
                "model_b, winner, rationale) values (?, ?, ?, ?, ?, 'm1', 'm2', ?, ?)",
                [cid, dataset, f"How do I cook dish number {i}?" if text else None,
                 f"Answer A {i}: boil it for ten minutes, then season." if text else None,
                 f"Answer B {i}: cook it." if text else None,
                 "tie" if tie else ("a" if i % 3 else "b"), _rationale(i, 1 if tie or i % 3 else 2)])
    return ids


def _rationale(i: int, won: int) -> str:
    """A judge's review agreeing with the stored winner (`won` = 1 for a, 2 for b)."""
    lost = 3 - won
    return (f"Assistant {won} gave more detailed steps than Assistant {lost}, which was vague. {i}\n"
            f"Assistant {won}: 8/10\nAssistant {lost}: 6/10\n{won}")
