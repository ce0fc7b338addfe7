"""Lighthouse scores for the home, an announcement, the FAQ and a guide, in both languages.

Usage: python bench/lighthouse.py            (builds the site, serves it on 127.0.0.1, writes bench/LIGHTHOUSE.md)
Installs Lighthouse 12.2.3 into bench/.tools on first use (13.x needs a newer Node) and runs it with
Debian's Chromium, mobile emulation and Lighthouse's default throttling.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pregon.config import load_config  # noqa: E402
from pregon.pipeline import BuildOptions, build  # noqa: E402
from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, serve  # noqa: E402

TOOLS = REPO / "bench/.tools"
PAGES = [
    "en/",
    "es/",
    "en/announcements/pars-agreement-ends/",
    "es/anuncios/fin-del-acuerdo-pars/",
    "en/faq/what-is-pars/",
    "es/preguntas-frecuentes/que-es-pars/",
    "en/guides/know-your-rights-at-home/",
    "es/guias/sus-derechos-en-casa/",
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def lighthouse() -> Path:
    binary = TOOLS / "node_modules/.bin/lighthouse"
    if not binary.exists():
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(TOOLS), "lighthouse@12.2.3"],
            check=True,
        )
    return binary


def main() -> None:
    binary = lighthouse()
    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp) / "site"
        build(BuildOptions(site_dir=REPO, out_dir=out))
        config = load_config(REPO).config
        assert config is not None
        base_path = urlsplit(config.base_url).path
        www = Path(temp) / "www"
        (www / base_path.strip("/")).parent.mkdir(parents=True, exist_ok=True)
        (www / base_path.strip("/")).symlink_to(out, target_is_directory=True)
        rows = []
        with serve(www) as root:
            base = root.rstrip("/") + base_path
            for path in PAGES:
                result = Path(temp) / "report.json"
                flags = " ".join(["--headless=new", *[f'"{arg}"' if " " in arg else arg for arg in CHROMIUM_ARGS]])
                subprocess.run(
                    [
                        str(binary),
                        base + path,
                        "--quiet",
                        "--output=json",
                        f"--output-path={result}",
                        f"--chrome-flags={flags}",
                        f"--only-categories={','.join(CATEGORIES)}",
                    ],
                    check=True,
                    env={**os.environ, "CHROME_PATH": CHROMIUM_PATH},
                )
                data = json.loads(result.read_text())
                scores = [round(data["categories"][name]["score"] * 100) for name in CATEGORIES]
                failed = sorted(
                    audit_id
                    for audit_id, audit in data["audits"].items()
                    if audit.get("score") is not None
                    and audit["score"] < 1
                    and audit.get("scoreDisplayMode") in ("binary", "numeric")
                    and any(
                        ref["id"] == audit_id
                        for name in CATEGORIES[1:]
                        for ref in data["categories"][name]["auditRefs"]
                        if ref.get("weight", 0) > 0
                    )
                )
                rows.append((path, scores, failed))
                print(path, scores, failed)
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
    chromium = subprocess.run([CHROMIUM_PATH, "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# Lighthouse scores",
        "",
        f"Lighthouse {version}, {chromium}, mobile emulation with Lighthouse's default throttling, the site",
        "served from 127.0.0.1 by Python's http.server. Made by `python bench/lighthouse.py`.",
        "",
        "| page | Performance | Accessibility | Best Practices | SEO | audits not passed |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| /{path} | {' | '.join(map(str, scores))} | {', '.join(failed) or '-'} |" for path, scores, failed in rows
    ]
    (REPO / "bench/LIGHTHOUSE.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(Path(temp), ignore_errors=True)


if __name__ == "__main__":
    main()
