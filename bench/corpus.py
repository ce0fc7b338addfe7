"""A bilingual corpus for benchmarks: N pages per language, ~3.5 KB of Markdown each, with links, lists and
tables, as a pregon site and as the same content for Hugo.

Announcements and FAQs only: Hugo makes no printed guides, so the comparison is of the same work. (Each
action guide adds a WeasyPrint PDF per language and a bilingual handout, about 0.3 s each when not cached.)

Usage: python bench/corpus.py N OUT_DIR   (writes OUT_DIR/pregon and OUT_DIR/hugo)
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTIONS = {"announcements": "anuncios", "faq": "preguntas-frecuentes", "guides": "guias"}
WORDS = {
    "en": "the city residents police agreement database records immigration rights guide report crime community "
    "services office language help information public safety federal local notice change policy".split(),
    "es": "la ciudad residentes policía acuerdo base datos registros inmigración derechos guía denuncia delito "
    "comunidad servicios oficina idioma ayuda información pública seguridad federal local aviso".split(),
}
CONFIG = """\
base_url: "https://www.example.org/"
default_language: en
languages:
  - code: en
    name: English
    direction: ltr
    site_name: Example City
    sections: {announcements: announcements, faq: faq, guides: guides}
  - code: es
    name: Español
    direction: ltr
    site_name: Ciudad de Ejemplo
    sections: {announcements: anuncios, faq: preguntas-frecuentes, guides: guias}
"""


def sentence(rng: random.Random, lang: str, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS[lang]) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random, targets: random.Random, lang: str, section: str, count: int) -> str:
    """A page's text in `lang`; `targets` chooses what it links to, the same for every translation of it."""
    parts = []
    for part in range(4):
        heading = sentence(rng, lang, 4).rstrip(".") + ("?" if section == "faq" else "")
        parts.append(f"## {heading} {part}")
        parts.append(" ".join(sentence(rng, lang) for _ in range(4)))
        target = targets.randrange(count)
        parts.append(
            f"See [{sentence(rng, lang, 3).rstrip('.')}](../announcements/page-{target:05d}.md) and "
            f"[{sentence(rng, lang, 2).rstrip('.')}](https://www.example.org/info/{target})."
        )
        parts.append("\n".join(f"- {sentence(rng, lang, 8)}" for _ in range(4)))
    parts.append(
        "| Item | Value | Note |\n|---|---|---|\n"
        + "\n".join(f"| {rng.choice(WORDS[lang])} | {n} | {sentence(rng, lang, 5)} |" for n in range(6))
    )
    return "\n\n".join(parts) + "\n"


def section_of(index: int) -> str:
    return "faq" if index % 5 == 0 else "announcements"


def write_corpus(count: int, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    site = out / "pregon"
    site.mkdir(parents=True)  # made with pregon's own theme: no templates, static files or catalogs of its own
    (site / "site.yaml").write_text(CONFIG, encoding="utf-8")
    hugo = out / "hugo"
    for lang in ("en", "es"):
        rng = random.Random(f"{lang}-{count}")
        for index in range(count):
            section = section_of(index)
            # A translation states the same facts as its source: the links of both are chosen alike.
            text = body(rng, random.Random(f"links-{count}-{index}"), lang, section, count)
            date = f"20{18 + index % 8:02d}-{1 + index % 12:02d}-{1 + index % 28:02d}"
            title = sentence(rng, lang, 6).rstrip(".")
            name = f"page-{index:05d}"
            front = f'---\ntitle: "{title}"\nsummary: "{sentence(rng, lang, 16)}"\ndate: {date}\n---\n'
            path = site / "content" / lang / section / f"{name}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(front + text, encoding="utf-8")
            hugo_path = hugo / "content" / lang / section / f"{name}.md"
            hugo_path.parent.mkdir(parents=True, exist_ok=True)
            hugo_path.write_text(front + text.replace(".md)", "/)"), encoding="utf-8")
    # Links point at announcements: move each one to a page that is one.
    for lang in ("en", "es"):
        for path in (site / "content" / lang).rglob("*.md"):
            text = path.read_text(encoding="utf-8")
            fixed = _retarget(text, count)
            if fixed != text:
                path.write_text(fixed, encoding="utf-8")
    _write_hugo_config(hugo)


def _retarget(text: str, count: int) -> str:
    import re

    def announcement(match: re.Match[str]) -> str:
        number = int(match.group(1))
        while section_of(number) != "announcements":
            number = (number + 1) % count
        return f"../announcements/page-{number:05d}.md"

    return re.sub(r"\.\./announcements/page-(\d{5})\.md", announcement, text)


def _write_hugo_config(hugo: Path) -> None:
    (hugo / "hugo.toml").write_text(
        'baseURL = "https://www.example.org/"\ndefaultContentLanguage = "en"\n'
        "disableKinds = ['taxonomy', 'term']\n"
        "[languages.en]\ncontentDir = 'content/en'\nweight = 1\n"
        "[languages.es]\ncontentDir = 'content/es'\nweight = 2\n",
        encoding="utf-8",
    )
    layouts = hugo / "layouts/_default"
    layouts.mkdir(parents=True, exist_ok=True)
    head = (
        '<!DOCTYPE html><html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8">'
        "<title>{{ .Title }}</title>{{ range .Translations }}"
        '<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">{{ end }}</head><body>'
        '<nav>{{ range .Translations }}<a href="{{ .RelPermalink }}">{{ .Language.LanguageName }}</a>{{ end }}'
        "</nav>"
    )
    (layouts / "single.html").write_text(head + "<main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>")
    (layouts / "list.html").write_text(
        head + "<main><h1>{{ .Title }}</h1><ul>{{ range .Pages }}"
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>'
        "</main></body></html>"
    )


if __name__ == "__main__":
    write_corpus(int(sys.argv[1]), Path(sys.argv[2]))
