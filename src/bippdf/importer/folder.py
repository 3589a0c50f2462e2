"""Writing the converted issue into its folder: the destination checked first, then the
article files, their images and ``issue.toml``."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import SourceError
from ..markdown import slugify
from ..sourcefile import ISSUE_FILE, article_text, issue_text, write_source
from .model import ArticleOut, IssueOut


def check_output(output: Path, *, force: bool) -> None:
    """Refuse a file, or a non-empty folder unless asked to overwrite it."""
    if output.exists() and not output.is_dir():
        raise SourceError(
            "la destination existe et n'est pas un dossier",
            path=output,
            hint="donnez le chemin d'un dossier, nouveau ou vide",
        )
    if output.is_dir() and any(output.iterdir()) and not force:
        raise SourceError(
            "le dossier de destination n'est pas vide : l'importation ne l'écrase pas",
            path=output,
            hint="choisissez un dossier nouveau ou vide, ou relancez l'importation en "
            "demandant l'écrasement (--force)",
        )


def write_folder(issue: IssueOut, output: Path, *, force: bool) -> list[Path]:
    """Write issue.toml, the articles and their images; return the article paths."""
    articles_dir = output / "articles"
    if force and articles_dir.is_dir():
        # Articles of a previous import would be "not listed" in the new issue.toml.
        for stale in articles_dir.glob("*.md"):
            stale.unlink()
    articles_dir.mkdir(parents=True, exist_ok=True)
    names = _file_names(issue.articles)
    paths = []
    for article, name in zip(issue.articles, names, strict=True):
        path = articles_dir / name
        write_source(path, _article_file(article))
        paths.append(path)
        for legacy_image, new_name in article.images:
            (output / "images").mkdir(exist_ok=True)
            shutil.copyfile(legacy_image, output / "images" / new_name)
    fields = {"keywords": [], **issue.fields}  # an empty slot shows the editor the key
    write_source(output / ISSUE_FILE, issue_text(fields, names, issue.contact, bulletin_note=_READ))
    return paths


def _file_names(articles: list[ArticleOut]) -> list[str]:
    """``NN-slug.md`` for each article, the slug cut to a few words."""
    names = []
    for index, article in enumerate(articles, start=1):
        words = slugify(article.title).split("-")
        if len(words) > 1 and words[0] == "l":
            words = words[1:]  # "L'exploitation…": the elided article says nothing
        kept: list[str] = []
        for word in words:  # whole words, about 40 characters at most
            if kept and len("-".join([*kept, word])) > 40:
                break
            kept.append(word)
        while len(kept) > 1 and kept[-1] in _SLUG_STOPWORDS:
            kept.pop()  # "…-en-estrie-une" reads better as "…-en-estrie"
        names.append(f"{index:02d}-{'-'.join(kept) or 'article'}.md")
    return names


_SLUG_STOPWORDS = {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les"}
_SLUG_STOPWORDS |= {"par", "pour", "sur", "un", "une"}

_READ = "# Le bulletin : relevé sur la couverture et au colophon du numéro imprimé."


def _article_file(article: ArticleOut) -> str:
    """An article file, written as every article file is."""
    return article_text(
        article.title,
        article.body,
        lead=article.lead,
        authors=article.authors,
        signature=article.signature,
    )
