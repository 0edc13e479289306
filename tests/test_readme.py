"""The README's library example prints what its comments say (issue 7: the README tells the truth)."""

from __future__ import annotations

import re

from conftest import REPO_ROOT

_EXAMPLE = re.compile(r"## The library\n\n```python\n(?P<code>.*?)```", re.S)
_CLAIM = re.compile(r"^(?P<expr>[^#]*?)\s+#\s*(?P<value>-?\d+):")


def test_the_library_example_prints_what_its_comments_claim():
    code = _EXAMPLE.search((REPO_ROOT / "README.md").read_text())["code"]
    namespace: dict = {}
    claims = 0
    for line in code.splitlines():
        claim = _CLAIM.match(line)
        if claim and "=" not in claim["expr"].split("(")[0]:
            value = eval(claim["expr"], namespace)  # noqa: S307 - our own README
            assert value == int(claim["value"]), f"README says {claim['value']} for {claim['expr']!r}, it gives {value}"
            claims += 1
        else:
            exec(line, namespace)  # noqa: S102
    assert claims >= 3
