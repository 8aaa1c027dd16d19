"""The statistical report, rendered in headless Chromium (offline).

Chromium is a system package: ``scripts/install_chromium.sh`` (called by
``make setup``) installs it. Without it the test fails with that hint
(set ``MIGSTAT_SKIP_BROWSER=1`` to skip instead, e.g. on a machine
without root).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_publication_exports import build_public_warehouse, built_exports

from migstat.publication.exports import load_public_tables
from migstat.publication.report import nice_ticks, render_report

CHART_IDS = ["chart-stock", "chart-flows", "chart-pyramid", "chart-coverage"]


def chromium() -> str:
    for candidate in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(candidate)
        if found:
            return found
    message = (
        "headless Chromium is needed to test the report: run scripts/install_chromium.sh "
        "(or make setup)"
    )
    if os.environ.get("MIGSTAT_SKIP_BROWSER"):
        pytest.skip(message)
    pytest.fail(message)


def run_chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        # offline: any request that leaves the machine fails
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1200,3200",
        *args,
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


class _Svg(HTMLParser):
    """Collect each chart's attributes and its marks."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: dict[str, dict] = {}
        self.current: str | None = None
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            if re.match(r"(https?:)?//", value):
                self.external.append(value)
        if tag == "svg" and "chart" in (attrs.get("class") or "").split():
            self.current = attrs["id"]
            self.charts[self.current] = {"attrs": attrs, "marks": []}
        elif self.current and "mark" in (attrs.get("class") or "").split():
            self.charts[self.current]["marks"].append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "svg":
            self.current = None


def parse(html: str) -> _Svg:
    parser = _Svg()
    parser.feed(html)
    return parser


@pytest.fixture
def report(tmp_path_factory) -> Path:
    return built_exports(tmp_path_factory)[2]["report"]


def test_report_is_self_contained(report):
    html = report.read_text()
    parsed = parse(html)
    assert parsed.external == []
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert sorted(parsed.charts) == sorted(CHART_IDS)
    for chart_id, chart in parsed.charts.items():
        assert len(chart["marks"]) >= 3, chart_id
    # provisional figures are drawn differently (dashed lines, hollow points)
    flows = parsed.charts["chart-flows"]["marks"]
    assert any("provisional" in a.get("class", "") for _, a in flows)
    assert any(a.get("stroke-dasharray") for _, a in flows)
    hollow = [a for t, a in flows if t == "circle" and "provisional" in a["class"]]
    assert hollow and all(a["fill"] == "#ffffff" for a in hollow)
    pyramid = parsed.charts["chart-pyramid"]["marks"]
    assert len([1 for t, _ in pyramid if t == "rect"]) >= 10


def test_report_renders_in_headless_chromium(report, tmp_path):
    dom = run_chromium(tmp_path, report.as_uri(), "--dump-dom", "--virtual-time-budget=3000")
    assert dom.returncode == 0, dom.stderr[-2000:]
    parsed = parse(dom.stdout)
    assert sorted(parsed.charts) == sorted(CHART_IDS)
    assert re.search(r'data-charts-measured="4"', dom.stdout), "the page's script did not run"
    for chart_id, chart in parsed.charts.items():
        attrs = chart["attrs"]
        assert int(attrs["data-rendered-width"]) > 600, chart_id
        assert int(attrs["data-rendered-height"]) > 50, chart_id
        drawn = int(attrs["data-marks-drawn"])
        assert drawn == len(chart["marks"]) and drawn >= 3, chart_id
        for tag, mark in chart["marks"]:
            if tag == "rect":
                assert float(mark["width"]) > 0 and float(mark["height"]) > 0
            if tag == "path":
                assert len(mark["d"]) > 10

    shot = tmp_path / "report.png"
    done = run_chromium(tmp_path, report.as_uri(), f"--screenshot={shot}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.stat().st_size > 50_000  # a page with charts, not a blank one
    if os.environ.get("MIGSTAT_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["MIGSTAT_KEEP_SCREENSHOT"])


def test_report_without_an_age_sex_breakdown_says_so(tmp_path):
    warehouse = build_public_warehouse(
        tmp_path / "warehouse.duckdb", pyramid=False, first_year=2023, n_citizenships=2
    )
    html = render_report(load_public_tables(warehouse))
    assert "no age-by-sex breakdown of foreign residents" in html
    assert sorted(parse(html).charts) == sorted(CHART_IDS)


def test_nice_ticks_cover_the_range():
    for low, high in [(0, 205), (0, 1.37), (-40, 130), (0, 7), (3, 3)]:
        ticks = nice_ticks(low, high)
        assert ticks[0] <= low and ticks[-1] >= high and len(ticks) <= 8
