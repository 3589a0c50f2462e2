"""Photos and their credits: the files found next to the legacy text become figures,
the others are reported and marked in the article."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from ..markdown import slugify
from ..source import image_problem
from .model import ArticleOut, Block, Problem
from .text import strip_emphasis

_CREDIT = re.compile(
    r"^(?:photos?|illustrations?|images?|cr[ée]dits? photos?|source)\s*:\s*\S.{0,80}$", re.I
)
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)(?:\s+\"(?P<title>[^\"]*)\")?\)")


def take_images(
    blocks: list[Block], legacy: Path, article: ArticleOut, problems: list[Problem]
) -> list[Block]:
    """Photos: keep those whose file is next to the legacy text, report the others."""
    out: list[Block] = []
    for index, block in enumerate(blocks):
        text = block.text
        if block.kind == "paragraph" and _CREDIT.match(strip_emphasis(text)):
            if out and out[-1].kind == "figure":
                continue  # already the credit of the figure before it
            problems.append(
                Problem(
                    block.line,
                    f"image absente (« {strip_emphasis(text)} ») : le texte imprimé n'a pas "
                    "le fichier de la photo; ajoutez-le dans images/ et insérez "
                    f'![description](../images/nom.jpg "{strip_emphasis(text)}") à l\'endroit '
                    "marqué dans l'article, ou laissez la photo de côté",
                )
            )
            shown = strip_emphasis(text).replace("--", "–")  # "--" would end the comment
            out.append(Block("comment", [(block.line, f"Image absente ({shown})")]))
            continue
        if block.kind != "paragraph" or not _IMAGE.search(text):
            out.append(block)
            continue
        credit = None
        if index + 1 < len(blocks) and _CREDIT.match(strip_emphasis(blocks[index + 1].text)):
            credit = strip_emphasis(blocks[index + 1].text)
        out.extend(_image_blocks(block, legacy, article, credit, problems))
    return out


def _image_blocks(
    block: Block, legacy: Path, article: ArticleOut, credit: str | None, problems: list[Problem]
) -> Iterator[Block]:
    """One paragraph holding images: figures for the files found, the rest reported."""
    text = block.text
    for match in _IMAGE.finditer(text):
        src = unquote(match.group("src").strip("<>"))
        found = (legacy.parent / src) if not re.match(r"^[a-z]+:", src, re.I) else None
        if found is None or not found.is_file() or image_problem(found):
            problems.append(
                Problem(
                    block.line_of(match.group(0)),
                    f"image « {src} » introuvable à côté du texte importé (ou illisible) : elle "
                    "est laissée de côté; ajoutez le fichier dans images/ et l'image à "
                    "l'article",
                )
            )
            continue
        alt = match.group("alt").strip()
        if not alt:
            alt = "Illustration"
            problems.append(
                Problem(
                    block.line_of(match.group(0)),
                    f"l'image « {src} » n'a pas de texte de remplacement : « Illustration » a été "
                    "mis; décrivez l'image entre les crochets",
                )
            )
        name = f"{len(article.images) + 1:02d}-{slugify(found.stem)}{found.suffix.lower()}"
        article.images.append((found, name))
        title = match.group("title") or credit
        suffix = f' "{title}"' if title else ""
        yield Block("figure", [(block.line, f"![{alt}](../images/{name}{suffix})")])
    rest = _IMAGE.sub("", text).strip()
    if rest:
        yield Block("paragraph", [(block.line, rest)])
