"""The HTML report is one self-contained, accessible page; headless Chromium opens it without errors or requests."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import kommunal_planner as kp
from kommunal_planner.model import Portfolio
from kommunal_planner.report import render

RESOURCE = re.compile(
    r"""(?:\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)|url\(\s*["']?\s*(?:https?:)?//|@import""",
    re.I,
)


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _report(pf: Portfolio, lang: str = "de") -> str:
    html = render(kp.optimize(pf), pf, "html", lang)
    assert isinstance(html, str)
    return html


def test_self_contained_and_accessible(rich: Portfolio) -> None:
    html = _report(rich, "en")
    assert "http://" not in html and "https://" not in html
    assert not RESOURCE.search(html)
    parser = _Structure()
    parser.feed(html)
    tags = [t for t, _ in parser.tags]
    assert parser.tags[0] == ("html", {"lang": "en"})
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    csp = [a for t, a in parser.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0]["content"] or "")
    assert tags.count("table") == tags.count("caption") > 3
    ths = [a for t, a in parser.tags if t == "th"]
    assert ths and all(a.get("scope") in ("col", "row") for a in ths)
    svgs = [a for t, a in parser.tags if t == "svg"]
    assert len(svgs) >= 3 and all(a.get("role") == "img" and a.get("aria-label") for a in svgs)
    ids = [a["id"] for _, a in parser.tags if a.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids across the inline charts"
    assert "@media print" in html and "thead { display: table-header-group; }" in html


CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


def _chromium(page: Path, tmp_path: Path, *extra: str) -> tuple[str, str]:
    assert CHROMIUM is not None
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing can reach the network, whatever happens
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        *extra,
        page.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    return done.stdout, done.stderr


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_chromium_opens_the_report_cleanly(rich: Portfolio, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(_report(rich), encoding="utf-8")
    dom, stderr = _chromium(page, tmp_path, "--dump-dom")
    assert _console(stderr) == []
    assert "Refused" not in stderr and "Content Security Policy" not in stderr
    assert "<caption>" in dom and "Finanzierungsplan" in dom and "<svg" in dom

    # control: the same check catches a page that tries to fetch something
    bad = tmp_path / "bad.html"
    bad.write_text(
        _report(rich).replace("</main>", '<img src="https://example.invalid/x.png" alt=""></main>'), encoding="utf-8"
    )
    _, stderr = _chromium(bad, tmp_path, "--dump-dom")
    assert _console(stderr), "the console check did not see a blocked request"
