"""The stemmer behind `prefbasis.words.root`: PyStemmer's C build, giving the pure-Python stems."""
from __future__ import annotations

import re
from pathlib import Path

from snowballstemmer.english_stemmer import EnglishStemmer

from prefbasis.words import _stemmer, root

ROOT = Path(__file__).resolve().parents[1]


def _words_of_the_docs() -> list[str]:
    """Every distinct word of the README and docs/ (several thousand, prose and jargon alike)."""
    text = " ".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
    return sorted(set(re.findall(r"[a-z][a-z']*", text.lower())))


def test_the_stemmer_is_pystemmers_c_build():
    # a dependency (pyproject.toml): without it snowballstemmer falls back to pure Python, ~20x slower
    assert type(_stemmer()).__module__ == "Stemmer"


def test_the_c_stemmer_gives_the_pure_python_stems():
    words = _words_of_the_docs()
    assert len(words) > 2000
    c_build, pure = _stemmer(), EnglishStemmer()
    stems = [(w, c_build.stemWord(w), pure.stemWord(w)) for w in words]
    assert [s for s in stems if s[1] != s[2]] == []
    assert root("calculation") == root("calculates") == "calcul"
