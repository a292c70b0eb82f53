"""The product's own guides (Markdown under `docs/`) shown as pages, in GOV.UK typography."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - builds our own tree, parses nothing
from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

GOVUK_CLASSES = {
    "h1": "govuk-heading-l",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "pre": "app-code-block",
}


class _GovukClasses(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            css = GOVUK_CLASSES.get(element.tag)
            if css:
                element.set("class", css)
            if element.tag == "th":
                element.set("scope", "col")


class GovukExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_GovukClasses(md), "govuk_classes", 0)


@lru_cache(maxsize=16)
def _render(path: Path, modified: float) -> str:
    text = path.read_text(encoding="utf-8")
    # Markdown leaves `Extension.__init__(**kwargs)` unannotated; the rest of its API is typed.
    govuk = GovukExtension()  # type: ignore[no-untyped-call]
    return markdown.markdown(text, extensions=["tables", "fenced_code", govuk])


def guide_html(name: str) -> SafeString:
    """A guide from `docs/` as HTML. The files are the product's own, written by its team."""
    path = Path(settings.BASE_DIR) / "docs" / f"{name}.md"
    return mark_safe(_render(path, path.stat().st_mtime))  # noqa: S308 - our own documents
