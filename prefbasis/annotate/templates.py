"""Versioned prompt templates (files in `prefbasis/annotate/templates/`) and their rendering.

A template file has a `### system` section and a `### user` section; a few-shot template may put
worked examples first as `### user` / `### assistant` pairs (chat turns, in file order; the last
section must be `### user`), which small models imitate far better than an inline example
(`v1_compact.txt`). Placeholders are
`{prompt}`, `{response_1}`, `{response_2}`, `{winner}` and `{loser}` (1 or 2, the display
positions). Everything else, JSON braces included, is literal. `v1.txt` is used for decided
comparisons and `v1_tie.txt` for ties; a `--prompt-file` is used for both. `v2` (the default) asks
for the description stage's form: general statements free of the question's subject matter.

Example:
    >>> t = load_template("v1")
    >>> t.name, len(t.hash)
    ('v1', 32)
    >>> msgs = t.render("2+2?", "4", "5", winner_position=1)
    >>> [m["role"] for m in msgs]
    ['system', 'user']
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from prefbasis.errors import ConfigError
from prefbasis.hashing import content_hash

DEFAULT_TEMPLATE = "v2"  # v2 asks for content-free statements (docs/annotate.md); v1 kept for old caches
_PLACEHOLDER = re.compile(r"\{(prompt|response_1|response_2|winner|loser)\}")
_SECTION = re.compile(r"^### (system|user|assistant)\s*$", re.M)


def _builtin_dir() -> Path:
    return Path(str(resources.files("prefbasis.annotate") / "templates"))


def builtin_versions() -> list[str]:
    """Names of the shipped templates (tie variants excluded)."""
    return sorted(p.stem for p in _builtin_dir().glob("*.txt") if not p.stem.endswith("_tie"))


def _sections(text: str, source: str) -> list[tuple[str, str]]:
    """(role, text) chat turns in file order; a file without headers is one user turn."""
    parts = _SECTION.split(text)
    if len(parts) == 1:  # a plain file: all of it is the user message
        return [("user", text.strip("\n"))]
    turns = [(parts[i], parts[i + 1].strip("\n")) for i in range(1, len(parts) - 1, 2)]
    if turns[-1][0] != "user":
        raise ConfigError(f"template {source} must end with a '### user' section")
    if any(role == "system" for role, _ in turns[1:]):
        raise ConfigError(f"template {source}: '### system' may only come first")
    return turns


@dataclass(frozen=True)
class Template:
    """A prompt template; `hash` covers every text it renders (it enters the cache key)."""

    name: str
    text: str
    tie_text: str

    @property
    def hash(self) -> str:
        return content_hash("template", self.text, self.tie_text)

    def render(self, prompt: str, first: str, second: str, winner_position: int) -> list[dict[str, str]]:
        """Chat messages for one comparison; winner_position 0 means a tie."""
        text = self.text if winner_position else self.tie_text
        values = {"prompt": prompt, "response_1": first, "response_2": second,
                  "winner": str(winner_position or "neither (tie)"),
                  "loser": str(3 - winner_position if winner_position else "neither (tie)")}
        return [{"role": role, "content": _PLACEHOLDER.sub(lambda m: values[m.group(1)], body)}
                for role, body in _sections(text, self.name)]


def load_template(name_or_path: str | None = None) -> Template:
    """A shipped version ('v1') or a user file (`--prompt-file`)."""
    name = name_or_path or DEFAULT_TEMPLATE
    path = _builtin_dir() / f"{name}.txt"
    if path.exists():
        tie = _builtin_dir() / f"{name}_tie.txt"
        text = path.read_text(encoding="utf-8")
        return Template(name, text, tie.read_text(encoding="utf-8") if tie.exists() else text)
    user = Path(name)
    if not user.exists():
        raise ConfigError(f"no prompt template {name!r}: not a file, and the shipped versions are "
                          f"{', '.join(builtin_versions())}")
    text = user.read_text(encoding="utf-8")
    if "{prompt}" not in text:
        raise ConfigError(f"prompt file {user} has no {{prompt}} placeholder")
    _sections(text, str(user))
    return Template(user.name, text, text)


def estimate_tokens(text: str) -> int:
    """Rough token count (4 characters a token), used by --dry-run and the budget."""
    return max(1, (len(text) + 3) // 4)
