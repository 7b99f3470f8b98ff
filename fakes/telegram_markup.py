"""Text as Telegram sees it: the HTML parse mode (whitelisted, balanced tags and four named
entities) reduced to what a user reads, lengths in UTF-16 code units, and `BadRequest`, the
refusal of a call Telegram itself would not take.
"""

from __future__ import annotations

from html.parser import HTMLParser

HTML_TAGS = frozenset(
    [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    ]
)
HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class BadRequest(Exception):
    """A call Telegram itself would refuse; the text follows "Bad Request: "."""


class EntityParser(HTMLParser):
    """Telegram's HTML subset: whitelisted, balanced tags and four named entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            raise BadRequest(f'can\'t parse entities: Unsupported start tag "{tag}"')
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise BadRequest(f'can\'t parse entities: Unsupported start tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise BadRequest(f'can\'t parse entities: Unexpected end tag "{tag}"')
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            raise BadRequest("can't parse entities: unescaped '<' in text")
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in HTML_ENTITIES:
            raise BadRequest(f'can\'t parse entities: Unsupported HTML entity "&{name};"')
        self.parts.append(HTML_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        self.parts.append(chr(int(name[1:], 16) if name[:1] in "xX" else int(name)))


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text a user sees; only HTML is parsed, other modes are taken as they are."""
    if (parse_mode or "").upper() != "HTML":
        return text
    parser = EntityParser()
    parser.feed(text)
    parser.close()
    if parser.open:
        tag = parser.open[-1]
        raise BadRequest(f"can't parse entities: Can't find end tag for start tag \"{tag}\"")
    return "".join(parser.parts)


def utf16_length(text: str) -> int:
    # Telegram counts UTF-16 code units: an emoji outside the BMP counts twice.
    return len(text.encode("utf-16-le")) // 2
