"""Markdown to safe HTML: markdown-it-py (CommonMark, raw HTML off), then nh3 (Ammonia).

Raw HTML in the source is shown as text, never run; nh3 removes anything outside the allowed
tags and URL schemes, so no script or event handler survives even if the parser let one by.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code",
    "pre", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def markdown_to_html(source: str) -> SafeString:
    rendered = _PARSER.render(source or "")
    # Headings start at h2: the page's own title is the only h1.
    for level in range(5, 0, -1):
        rendered = rendered.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
