"""The project's style rule: one job per module, stated in its first docstring line.

Every module under src/stoa and bench that has a docstring starts it with one complete sentence on
one line of at most 100 characters (the opening quotes included): the line ends with a period, and
a second line, if any, is blank. An empty `__init__.py` without a docstring is left alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted([*(ROOT / "src" / "stoa").rglob("*.py"), *(ROOT / "bench").rglob("*.py")])
MAX_FIRST_LINE = 100


def test_modules_found() -> None:
    assert len(MODULES) > 50


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_docstring_first_line_is_one_sentence(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    doc = ast.get_docstring(tree, clean=False)
    if doc is None:
        assert path.name == "__init__.py" and not source.strip(), f"{path}: no module docstring"
        return
    lines = doc.split("\n")
    first = lines[0].strip()
    assert first.endswith("."), f"{path}: the first docstring line must end the sentence: {first!r}"
    assert len(lines) == 1 or not lines[1].strip(), f"{path}: the summary sentence wraps onto line 2"
    opening = source.split("\n")[tree.body[0].lineno - 1]
    assert opening.lstrip().startswith(('"""', "'''")), f"{path}: the docstring must open on its own first line"
    length = len(opening.rstrip().removesuffix('"""')) if len(lines) == 1 else len(opening.rstrip())
    assert length <= MAX_FIRST_LINE, f"{path}: first docstring line is {length} characters, at most {MAX_FIRST_LINE}"
