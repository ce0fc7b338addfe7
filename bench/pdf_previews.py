"""The first page of every printed guide as a PNG, so anyone can look at the handouts without printing.

Usage: python bench/pdf_previews.py [SITE_DIR] [OUT_DIR]   (defaults: site/ and bench/out/pdf/; needs pdftoppm)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> None:
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("site")
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("bench/out/pdf")
    out.mkdir(parents=True, exist_ok=True)
    for pdf in sorted(site.rglob("*.pdf")):
        target = out / pdf.stem
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target)], check=True
        )
        print(f"{target}.png")


if __name__ == "__main__":
    main()
