"""Printed guides: a six-language site of 60 action guides built cold, and the shipped site built cold.

Usage: python bench/print_guides.py [RUNS]   -> prints the median seconds of RUNS cold builds (default 3)
of the six-language site, its PDFs and PDFs per second, then the median of five cold builds of the
shipped site. Each build is `python build.py` in its own process, with its cache and output removed
before it, so every PDF is laid out.

The guides' text is made of words of each language (Latin, Chinese, Vietnamese and Arabic scripts), in
headings, paragraphs and lists of about the length of the shipped guides: one to three pages each.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from set_aside import SetAside

REPO = Path(__file__).resolve().parent.parent
GUIDES = 60
LANGUAGES = ("en", "es", "zh-Hans", "vi", "ar", "fr")
WORDS = {
    "en": "you have the right to stay silent ask for a lawyer do not open the door agents need a warrant "
    "signed by a judge call your family keep this card".split(),
    "es": "usted tiene derecho a guardar silencio pedir un abogado no abra la puerta los agentes necesitan "
    "una orden firmada por un juez llame a su familia".split(),
    "zh-Hans": "您 有权 保持 沉默 要求 律师 不要 开门 探员 需要 法官 签署 的 搜查令 打电话 给 家人".split(),
    "vi": "bạn có quyền giữ im lặng yêu cầu luật sư không mở cửa nhân viên cần lệnh do thẩm phán ký "
    "gọi gia đình".split(),
    "ar": "لديك الحق في التزام الصمت وطلب محام لا تفتح الباب يحتاج العملاء إلى أمر موقع من قاض اتصل بعائلتك".split(),
    "fr": "vous avez le droit de garder le silence demander un avocat ne pas ouvrir la porte les agents "
    "doivent avoir un mandat signé par un juge".split(),
}
CONFIG = """\
base_url: "https://www.example.org/"
default_language: en
site_name: Example City
languages:
""" + "".join(f"  - code: {code}\n" for code in LANGUAGES)


def sentence(rng: random.Random, lang: str, words: int) -> str:
    joiner = "" if lang == "zh-Hans" else " "
    text = joiner.join(rng.choice(WORDS[lang]) for _ in range(words))
    return text[0].upper() + text[1:] + ("。" if lang == "zh-Hans" else ".")


def write_site(folder: Path) -> int:
    """The site; returns how many PDFs it prints."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "site.yaml").write_text(CONFIG, encoding="utf-8")
    for number in range(GUIDES):
        for lang in LANGUAGES:
            rng = random.Random(f"{lang}-{number}")
            parts = []
            for part in range(3 + number % 3):
                parts.append(f"## {sentence(rng, lang, 3).rstrip('.。')} {part + 1}")
                parts.append(" ".join(sentence(rng, lang, 14) for _ in range(4)))
                parts.append("\n".join(f"- {sentence(rng, lang, 9)}" for _ in range(5)))
            title = sentence(rng, lang, 5).rstrip(".。")
            text = f'---\ntitle: "{title}"\nsummary: "{sentence(rng, lang, 12)}"\n---\n' + "\n\n".join(parts) + "\n"
            path = folder / "content" / lang / "guides" / f"guide-{number:02d}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return GUIDES * len(LANGUAGES) + GUIDES * (len(LANGUAGES) - 1)


def cold_build(site: Path, out: Path, aside: SetAside) -> float:
    aside.move(site / ".pregon-cache")
    aside.move(out)
    # What was written and removed before (the last build, the larger builds of bench/run.py) is flushed
    # to the disk first, so that writing it back does not slow down the build measured.
    os.sync()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--site", str(site), "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def shipped_copy(folder: Path) -> Path:
    """The repository's own site (content, templates, translations, static files and site.yaml)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in ("site.yaml", "content", "templates", "translations", "static"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        elif source.is_file():
            shutil.copy2(source, folder / name)
    return folder


def measure(runs: int, work: Path, aside: SetAside) -> dict[str, float]:
    """`aside`: where what each cold build would replace is moved (set_aside.py); the caller empties it."""
    site = work / "six-languages"
    aside.move(site)
    pdfs = write_site(site)
    times = [cold_build(site, work / "six-languages-out", aside) for _ in range(runs)]
    made = len(list((work / "six-languages-out").rglob("*.pdf")))
    if made != pdfs:
        raise SystemExit(f"the six-language site printed {made} PDFs, not {pdfs}")
    aside.move(work / "shipped")
    shipped = shipped_copy(work / "shipped")
    shipped_times = [cold_build(shipped, work / "shipped-out", aside) for _ in range(5)]
    seconds = statistics.median(times)
    return {
        "guides_seconds": seconds,
        "pdfs": made,
        "pdfs_per_second": made / seconds,
        "shipped_seconds": statistics.median(shipped_times),
    }


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    aside = SetAside(REPO / "bench/corpus/set-aside")
    result = measure(runs, REPO / "bench/corpus", aside)
    aside.empty()
    print(
        f"{GUIDES} guides in {len(LANGUAGES)} languages: {result['pdfs']:.0f} PDFs in {result['guides_seconds']:.1f} s "
        f"({result['pdfs_per_second']:.1f} PDFs/s); shipped site cold {result['shipped_seconds']:.2f} s"
    )


if __name__ == "__main__":
    main()
