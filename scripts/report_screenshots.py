"""Screenshots of a report's sections with headless Chromium (for docs/img/).

Usage: .venv/bin/python scripts/report_screenshots.py REPORT.html OUT_DIR [SECTION ...]
Reads each section's height from the page (`data-sections`, set by the report itself), then takes
one screenshot per section of a copy of the page that shows only that section (a style rule hides
the rest), in a window as tall as the section.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WIDTH = 1366


def chromium(args: list[str], profile: str) -> subprocess.CompletedProcess:
    exe = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    if exe is None:
        raise SystemExit("no Chromium found (Debian: apt-get install chromium)")
    return subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", f"--user-data-dir={profile}", "--virtual-time-budget=15000", *args],
                          capture_output=True, text=True, timeout=180)


def main(report: str, out_dir: str, wanted: list[str]) -> None:
    url = Path(report).resolve().as_uri()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        dom = chromium([f"--window-size={WIDTH},2000", "--dump-dom", url], profile).stdout
        root = re.search(r"<html[^>]*>", dom).group(0)
        boxes = json.loads(html.unescape(re.search(r'data-sections="([^"]*)"', root).group(1)))
        page = Path(report).read_text(encoding="utf-8")
        for name in wanted or list(boxes):
            _, height = boxes[name]
            only = Path(profile) / f"only-{name}.html"
            style = (f"<style>header, footer, main > .kpis, section:not(#{name}) {{ display: none !important; }} "
                     "main { padding-top: 8px; }</style></head>")
            only.write_text(page.replace("</head>", style, 1), encoding="utf-8")
            shot = out / f"report-{name}.png"
            chromium([f"--window-size={WIDTH},{height + 40}", f"--screenshot={shot}", only.as_uri()], profile)
            print(f"{shot}: {WIDTH} x {height + 40} px")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
