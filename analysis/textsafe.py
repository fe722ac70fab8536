"""Untrusted text (links, file names, headers, cells) shown as text, never as Markdown or HTML.

Streamlit renders Markdown in st.markdown, captions, alerts, titles, labels and tabs: a value such as
`![x](http://evil/x.png)` would make every visitor's browser fetch a remote image. `markdown_text`
escapes the characters that build links, images, HTML, math, Streamlit directives (`:red[...]`,
`:material/...:`), emphasis, headings and tables; ordinary values (numbers such as "1.23万" or "+5.2%",
codes, dates, Chinese and English names) come back unchanged, so trusted text is not disturbed.
"""
from __future__ import annotations

import re
import string

# Markdown's active ASCII punctuation, minus what ordinary values hold and cannot act on its own:
# ( ) need a preceding ] (escaped); . , % + - / are in numbers and dates and start a list only at a line start.
MISSING = "—"  # what a page, table or report shows for a value that is not there
_ACTIVE = re.compile(r"([\\`*_\[\]{}!#|~$:@])")
_HTML = {"<": "&lt;", ">": "&gt;"}  # entities: plain text in Markdown, and plotly's text does not parse them
# GFM turns bare http://…, www.… and a@b.c in the rendered text into links, whatever escapes the source had:
# a zero-width space keeps them text (it shows nothing).
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")
_ZWSP = "\u200b"
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c]+")


_FIELDS = string.Formatter()


class Escaped(str):
    """Text already made safe for Markdown: interpolating it again leaves it as is."""


def markdown_text(value: object) -> Escaped:
    """`value` as a string that Markdown shows literally (one line; no links, images, HTML or math)."""
    if isinstance(value, Escaped):
        return value
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _AUTOLINK.sub(_ZWSP, text)
    text = _ACTIVE.sub(r"\\\1", text)
    return Escaped("".join(_HTML.get(char, char) for char in text))


def code_text(value: object) -> str:
    """`value` for the inside of a Markdown code span: a backtick would end the span early."""
    return _LINE_BREAKS.sub(" ", str(value)).replace("`", "'")


def format_markdown(template: str, values: dict[str, object]) -> Escaped:
    """`template.format(**values)` with each value escaped for where it lands (code span or running text)."""
    parts, in_code = [], False
    for literal, field, spec, conversion in _FIELDS.parse(template):
        parts.append(literal)
        in_code ^= literal.count("`") % 2 == 1
        if field is None:
            continue
        value = _FIELDS.get_field(field, (), values)[0]
        if conversion:
            value = _FIELDS.convert_field(value, conversion)
        if isinstance(value, Escaped) and not spec and not in_code:
            parts.append(value)  # already escaped, e.g. one t() string placed in another
            continue
        shown = format(value, spec or "")
        parts.append(code_text(shown) if in_code else markdown_text(shown))
    return Escaped("".join(parts))
