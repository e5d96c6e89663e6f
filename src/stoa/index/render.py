"""Render a post body to safe HTML once, at write time, the way Steemit's condenser displays it.

The pipeline follows condenser (MarkdownViewer, HtmlReady, SanitizeConfig):

1. Mode: a body wrapped in ``<html>…</html>`` (or starting ``<p>`` and containing ``</p>``) is HTML;
   anything else is markdown, rendered with CommonMark (raw HTML allowed, single newlines become
   ``<br>``, no typographer) plus tables and strikethrough.
2. Sanitize with ammonia (nh3) against condenser's whitelist; comments, scripts, styles, event handlers
   and non-http(s)/steem/esteem URLs go.
3. Walk the clean tree, as HtmlReady does: linkify bare URLs, @mentions and #hashtags outside links and
   code; turn a bare image URL or video URL on its own line into an ``<img>`` or a whitelisted embed;
   mark external links ``rel="nofollow noopener" target="_blank"``; expose links whose text shows
   another URL than they go to; collect links, images, mentions and tags.
4. Sanitize the result again with the same whitelist, so the output never depends on step 3 alone.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Final
from urllib.parse import quote, unquote, urlsplit

import nh3
import orjson
from markdown_it import MarkdownIt
from markdown_it.token import Token

from stoa.protocol.rules import account_name_problem

__all__ = ["PREVIEW_LENGTH", "RenderedBody", "render_body"]

PREVIEW_LENGTH: Final = 1024
EMBED_WIDTH: Final = "640"
EMBED_HEIGHT: Final = "360"
EXTERNAL_REL: Final = "nofollow noopener"
PHISHY_TITLE: Final = "Link expanded to plain text; beware of a potential phishing attempt"

ALLOWED_TAGS: Final = frozenset(
    {
        "div", "iframe", "del", "a", "p", "b", "i", "q", "br", "ul", "li", "ol", "img",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "blockquote", "pre", "code", "em", "strong",
        "center", "table", "thead", "tbody", "tr", "th", "td", "strike", "sup", "sub",
    }
)  # fmt: skip
DIV_CLASSES: Final = frozenset(
    {"pull-right", "pull-left", "text-justify", "text-rtl", "text-center", "text-right", "videoWrapper", "phishy"}
)
URL_SCHEMES: Final = frozenset({"http", "https", "steem", "esteem"})
# Removed together with everything inside them (ammonia keeps the text of other unknown tags).
_DROP_CONTENT: Final = frozenset(
    {
        "script", "style", "svg", "math", "template", "noscript", "noembed", "noframes", "textarea",
        "title", "xmp", "object", "applet", "select", "head",
    }
)  # fmt: skip
_VOID: Final = frozenset({"br", "hr", "img"})
_BLOCK: Final = frozenset(
    {
        "p", "div", "center", "ul", "ol", "li", "blockquote", "pre", "table", "thead", "tbody", "tr",
        "th", "td", "hr", "iframe", "h1", "h2", "h3", "h4", "h5", "h6",
    }
)  # fmt: skip
# Elements whose own lines may hold a bare image or video URL that becomes an embed.
_LINE_CONTAINERS: Final = frozenset({"", "p", "div", "center", "li", "blockquote", "td", "th"})
_MAX_DEPTH: Final = 64
_FULLSCREEN: Final = frozenset({"allowfullscreen", "webkitallowfullscreen", "mozallowfullscreen"})


@dataclass(frozen=True)
class RenderedBody:
    """A post body rendered for display, with what the index wants to know about it."""

    html: str
    text: str
    image: str | None
    links: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- URLs


def _image_src(url: str) -> str | None:
    """An <img> src as shown: http(s) kept, protocol-relative made https, anything else refused."""
    url = url.strip()
    lower = url.lower()
    if lower.startswith("//"):
        url, lower = "https:" + url, "https:" + lower
    if not lower.startswith(("http://", "https://")) or len(url) <= len("https://"):
        return None
    if any(ch.isspace() or ord(ch) < 32 or ch in "\"'<>\\" for ch in url):
        return None
    return url


_EMBED_PREFIX = r"^(?:https?:)?//"
_OWNER_PERMLINK = r"[\w.-]{1,64}/[\w-]{1,256}"
_IFRAME_RULES: Final[list[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]]] = [
    (
        re.compile(_EMBED_PREFIX + r"(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]{1,64})(?:[?#]|$)", re.I | re.A),
        lambda m: f"https://www.youtube.com/embed/{m[1]}",
    ),
    (
        re.compile(_EMBED_PREFIX + r"player\.vimeo\.com/video/(\d{1,20})(?:[/?#]|$)", re.I),
        lambda m: f"https://player.vimeo.com/video/{m[1]}",
    ),
    (
        re.compile(_EMBED_PREFIX + r"3speak\.(?:online|tv)/embed\?v=(" + _OWNER_PERMLINK + r")(?:[&#]|$)", re.I | re.A),
        lambda m: f"https://3speak.online/embed?v={m[1]}",
    ),
    (
        re.compile(
            _EMBED_PREFIX + r"player\.twitch\.tv/\?(?:[^#]*&)?(channel|video)=(v?\d{1,20}|\w{1,64})(?:[&#]|$)",
            re.I | re.A,
        ),
        lambda m: f"https://player.twitch.tv/?{m[1].lower()}={m[2]}",
    ),
    (
        re.compile(_EMBED_PREFIX + r"emb\.d\.tube/#!/(" + _OWNER_PERMLINK + r")(?:[/?#]|$)", re.I | re.A),
        lambda m: f"https://emb.d.tube/#!/{m[1]}",
    ),
    (
        re.compile(_EMBED_PREFIX + r"w\.soundcloud\.com/player/\?(?:[^#]*&)?url=([^&#]+)", re.I),
        lambda m: _soundcloud(unquote(m[1])),
    ),
]
_SOUNDCLOUD_TRACK = re.compile(r"^https://(?:api\.)?soundcloud\.com/[\w./-]{1,512}$", re.A)


def _soundcloud(track: str) -> str | None:
    if not _SOUNDCLOUD_TRACK.match(track):
        return None
    return f"https://w.soundcloud.com/player/?url={quote(track, safe='')}&auto_play=false"


def _embed_src(src: str) -> str | None:
    """The whitelisted, normalised iframe src for `src` (SanitizeConfig's iframe rules), else None."""
    src = src.strip()
    for pattern, build in _IFRAME_RULES:
        match = pattern.match(src)
        if match:
            return build(match)
    return None


_YOUTUBE_URL = re.compile(
    r"^https?://(?:(?:www\.|m\.)?youtube\.com/(?:watch\?(?:[^#\s]*&)?v=|embed/|shorts/|live/)|youtu\.be/)"
    r"([\w-]{11})(?![\w-])",
    re.I | re.A,
)
_VIDEO_URLS: Final[list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]] = [
    (_YOUTUBE_URL, lambda m: f"https://www.youtube.com/embed/{m[1]}"),
    (
        re.compile(r"^https?://(?:(?:www\.)?vimeo\.com/|player\.vimeo\.com/video/)(\d{1,20})(?:[/?#]|$)", re.I),
        lambda m: f"https://player.vimeo.com/video/{m[1]}",
    ),
    (
        re.compile(r"^https?://(?:www\.)?twitch\.tv/videos/(\d{1,20})(?:[/?#]|$)", re.I),
        lambda m: f"https://player.twitch.tv/?video=v{m[1]}",
    ),
    (
        re.compile(r"^https?://(?:www\.)?twitch\.tv/(\w{1,64})/?$", re.I | re.A),
        lambda m: f"https://player.twitch.tv/?channel={m[1]}",
    ),
    (
        re.compile(r"^https?://(?:www\.)?d\.tube/(?:#!/)?v/(" + _OWNER_PERMLINK + r")/?$", re.I | re.A),
        lambda m: f"https://emb.d.tube/#!/{m[1]}",
    ),
    (
        re.compile(r"^https?://(?:www\.)?3speak\.(?:online|tv)/watch\?v=(" + _OWNER_PERMLINK + r")$", re.I | re.A),
        lambda m: f"https://3speak.online/embed?v={m[1]}",
    ),
]
_IMAGE_EXTENSIONS: Final = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".tif", ".tiff")
_IPFS_PATH = re.compile(r"/ipfs/\w{20,}$", re.A)
# A bare URL in text; trailing punctuation is trimmed afterwards.
_BARE_URL = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+", re.I)
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "[", "}": "{"}
_MENTION = re.compile(r"(?<![\w!#$%&*@＠/])[@＠]([a-z][a-z\d.-]*[a-z\d])(?![\w@＠]|://)", re.I)
_HASHTAG = re.compile(r"(?:^|(?<=\s))#([a-z\d][-a-z\d]*)(?![\w#])", re.I)
_URL_TEXT = re.compile(r"^(?:https?://|www\.)([^\s/?#:@]+)", re.I)


def _trim_url(url: str) -> str:
    """Drop punctuation that ends the sentence rather than the URL, keeping balanced brackets."""
    end = len(url)
    opened = {close: url.count(open_) for close, open_ in _PAIRS.items()}
    closed = {close: url.count(close) for close in _PAIRS}
    while end:
        last = url[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in _PAIRS and closed[last] > opened[last]:
            closed[last] -= 1
            end -= 1
        else:
            break
    return url[:end]


def _is_image_url(url: str) -> bool:
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    return path.lower().endswith(_IMAGE_EXTENSIONS) or _IPFS_PATH.search(path) is not None


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False


def _youtube_thumbnail(src: str) -> str | None:
    match = re.match(r"^https://www\.youtube\.com/embed/([\w-]+)$", src, re.A)
    return f"https://img.youtube.com/vi/{match[1]}/0.jpg" if match else None


def _is_internal(href: str) -> bool:
    """Relative links stay on the site; `//host` and `/\\host` do not (browsers read both as a host)."""
    return href.startswith("#") or (href.startswith("/") and not href.startswith(("//", "/\\")))


def _normalize_href(href: str) -> str:
    """HtmlReady: an href that is not relative and has no known scheme is taken as a host."""
    href = href.strip()
    if href.lower().startswith(("#", "/", "http://", "https://", "steem:", "esteem:")):
        return href
    return "https://" + href


def _host(value: str) -> str:
    host = value.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _shows_other_url(text: str, href: str) -> bool:
    """True when a link's text is a URL of a different host than the one it leads to."""
    shown = _URL_TEXT.match(text.strip())
    if shown is None or _is_internal(href):
        return False
    try:
        target = urlsplit(href if "://" in href or href.startswith("//") else "//" + href).hostname or ""
    except ValueError:
        return True
    return _host(shown[1]) != _host(target)


# --------------------------------------------------------------------------- sanitizer


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        return _image_src(value)
    if tag == "iframe":
        if attr == "src":
            return _embed_src(value)
        if attr == "width":
            return EMBED_WIDTH
        if attr == "height":
            return EMBED_HEIGHT
        if attr == "frameborder":
            return "0"
        return ""  # the boolean allowfullscreen attributes
    return value


_CLEANER: Final = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_DROP_CONTENT),
    attributes={
        "a": {"href", "title"},
        "img": {"src", "alt"},
        "iframe": {"src", "width", "height", "frameborder", *_FULLSCREEN},
    },
    tag_attribute_values={
        "a": {"rel": {EXTERNAL_REL}, "target": {"_blank"}},
        "div": {"class": set(DIV_CLASSES), "title": {PHISHY_TITLE}},
        "td": {"style": {"text-align:right"}},
    },
    attribute_filter=_attribute_filter,
    strip_comments=True,
    link_rel=None,
    url_schemes=set(URL_SCHEMES),
)  # fmt: skip


# --------------------------------------------------------------------------- markdown


class _Markdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        # Every link becomes an element; the sanitizer strips unsafe URLs from it, so a
        # `[text](javascript:…)` shows its text instead of the raw markdown.
        return True


_MARKDOWN: Final = _Markdown("commonmark", {"html": True, "breaks": True, "linkify": False, "typographer": False})
_MARKDOWN.enable(["table", "strikethrough"])


def _strike_to_del(tokens: Iterable[Token]) -> None:
    for token in tokens:
        if token.type in ("s_open", "s_close"):
            token.tag = "del"
        if token.children:
            _strike_to_del(token.children)


def _markdown_to_html(body: str) -> str:
    env: dict[str, Any] = {}
    tokens = _MARKDOWN.parse(body, env)
    _strike_to_del(tokens)
    rendered: str = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, env)
    return rendered


def _html_body(body: str) -> str | None:
    """The HTML to sanitize when the body is HTML (condenser's rule), else None for markdown."""
    stripped = body.strip()
    if stripped.lower().startswith("<html>") and stripped.lower().endswith("</html>"):
        return stripped[len("<html>") : -len("</html>")]
    if body.startswith("<p>") and "</p>" in body:
        return body
    return None


# --------------------------------------------------------------------------- tree


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node] = field(default_factory=list)


_Node = _Element | str


class _TreeBuilder(HTMLParser):
    """Parses the sanitizer's output (well-formed, whitelisted) into a small tree."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("")
        self._stack = [self.root]
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            self._dropping += 1
        if self._dropping or tag not in ALLOWED_TAGS or len(self._stack) > _MAX_DEPTH:
            return
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self._stack[-1].children.append(element)
        if tag not in _VOID:
            self._stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        depth = len(self._stack)
        self.handle_starttag(tag, attrs)
        if tag in _DROP_CONTENT:
            self._dropping -= 1
        del self._stack[depth:]

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_CONTENT:
            self._dropping = max(0, self._dropping - 1)
            return
        if self._dropping:
            return
        for index in range(len(self._stack) - 1, 0, -1):
            if self._stack[index].tag == tag:
                del self._stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._dropping:
            return
        children = self._stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def _parse(html: str) -> _Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _serialize(nodes: list[_Node], out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(html_lib.escape(node, quote=False))
            continue
        attrs = "".join(f' {name}="{html_lib.escape(value)}"' for name, value in node.attrs.items())
        out.append(f"<{node.tag}{attrs}>")
        if node.tag not in _VOID:
            _serialize(node.children, out)
            out.append(f"</{node.tag}>")


def _text_of(nodes: list[_Node], out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node.tag != "iframe":
            block = node.tag in _BLOCK or node.tag == "br"
            if block:
                out.append(" ")
            _text_of(node.children, out)
            if block:
                out.append(" ")


def _is_line_break(node: _Node | None) -> bool:
    return node is None or (isinstance(node, _Element) and (node.tag == "br" or node.tag in _BLOCK))


def _video(src: str) -> _Element:
    iframe = _Element(
        "iframe",
        {"src": src, "width": EMBED_WIDTH, "height": EMBED_HEIGHT, "frameborder": "0", "allowfullscreen": ""},
    )
    return _Element("div", {"class": "videoWrapper"}, [iframe])


def _external(href: str, children: list[_Node]) -> _Element:
    return _Element("a", {"href": href, "rel": EXTERNAL_REL, "target": "_blank"}, children)


class _Ready:
    """HtmlReady: rewrites the sanitized tree and collects what it finds."""

    def __init__(self) -> None:
        self.links: dict[str, None] = {}
        self.images: dict[str, None] = {}
        self.mentions: dict[str, None] = {}
        self.tags: dict[str, None] = {}

    def walk(self, parent: _Element, *, plain: bool, in_video: bool = False) -> list[_Node]:
        """The new children of `parent`; `plain` means inside a link or code (no autolinking)."""
        out: list[_Node] = []
        children = parent.children
        lines = parent.tag in _LINE_CONTAINERS
        for index, node in enumerate(children):
            if isinstance(node, _Element):
                out.extend(self.element(node, plain=plain, in_video=in_video))
            elif plain:
                out.append(node)
            else:
                before = children[index - 1] if index else None
                after = children[index + 1] if index + 1 < len(children) else None
                out.extend(
                    self.text(node, own_start=lines and _is_line_break(before), own_end=lines and _is_line_break(after))
                )
        return out

    def element(self, node: _Element, *, plain: bool, in_video: bool) -> list[_Node]:
        tag, attrs = node.tag, node.attrs
        if tag == "a":
            return self.anchor(node)
        if tag == "img":
            src = _image_src(attrs.get("src", ""))
            if src is None:
                return []
            self.images.setdefault(src)
            kept = {"src": src}
            if "alt" in attrs:
                kept["alt"] = attrs["alt"]
            return [_Element("img", kept)]
        if tag == "iframe":
            src = _embed_src(attrs.get("src", ""))
            if src is None:
                return []
            thumbnail = _youtube_thumbnail(src)
            if thumbnail:
                self.images.setdefault(thumbnail)
            video = _video(src)
            return video.children if in_video else [video]
        if tag == "div":
            kept = {}
            css = attrs.get("class")
            if css in DIV_CLASSES:
                kept["class"] = css
                if css == "phishy" and attrs.get("title") == PHISHY_TITLE:
                    kept["title"] = PHISHY_TITLE
            children = self.walk(node, plain=plain, in_video=css == "videoWrapper")
            return [_Element("div", kept, children)]
        kept = {"style": "text-align:right"} if tag == "td" and attrs.get("style") == "text-align:right" else {}
        children = self.walk(node, plain=plain or tag in ("code", "pre"))
        if tag == "p":
            return _split_paragraph(children)
        return [_Element(tag, kept, children)]

    def anchor(self, node: _Element) -> list[_Node]:
        children = self.walk(node, plain=True)
        href = node.attrs.get("href", "").strip()
        if not href:
            return children
        href = _normalize_href(href)
        shown: list[str] = []
        _text_of(children, shown)
        text = " ".join("".join(shown).split())
        if _shows_other_url(text, href):
            return [_Element("div", {"class": "phishy", "title": PHISHY_TITLE}, [f"{text} / {href}"])]
        self.links.setdefault(href)
        attrs = {"href": href}
        if "title" in node.attrs:
            attrs["title"] = node.attrs["title"]
        if not _is_internal(href):
            attrs.update(rel=EXTERNAL_REL, target="_blank")
        return [_Element("a", attrs, children)]

    def text(self, text: str, *, own_start: bool, own_end: bool) -> list[_Node]:
        """Autolink a text node; a bare image or video URL alone on its line becomes an embed."""
        out: list[_Node] = []
        lines = text.split("\n")
        pending: list[str] = []
        for number, line in enumerate(lines):
            own = (number > 0 or own_start) and (number < len(lines) - 1 or own_end)
            embed = self.line_embed(line.strip()) if own else None
            if embed is None:
                pending.append(line)
                continue
            pending.append("")  # keeps the newline before the embed
            out.extend(self.inline("\n".join(pending)))
            out.append(embed)
            pending = [""]  # and the one after it
        out.extend(self.inline("\n".join(pending)))
        return [node for node in out if node != ""]

    def line_embed(self, line: str) -> _Element | None:
        if not line.lower().startswith(("http://", "https://")) or any(ch.isspace() for ch in line):
            return None
        for pattern, build in _VIDEO_URLS:
            match = pattern.match(line)
            if match:
                embed = build(match)
                thumbnail = _youtube_thumbnail(embed)
                if thumbnail:
                    self.images.setdefault(thumbnail)
                return _video(embed)
        if _is_image_url(line) and (image := _image_src(line)) is not None and _has_host(image):
            self.images.setdefault(image)
            return _Element("img", {"src": image})
        return None

    def inline(self, text: str) -> list[_Node]:
        """Links for bare URLs, @mentions and #hashtags in a run of text."""
        if not text or not any(ch in text for ch in "@＠#:"):
            return [text]
        found: list[tuple[int, int, _Node]] = []
        taken: list[tuple[int, int]] = []
        for match in _BARE_URL.finditer(text):
            url = _trim_url(match[0])
            start, end = match.start(), match.start() + len(url)
            taken.append((start, end))
            if url.lower().endswith((".zip", ".exe")) or not _has_host(url):
                continue
            self.links.setdefault(url)
            found.append((start, end, _external(url, [url])))

        starts = [start for start, _ in taken]

        def free(start: int, end: int) -> bool:
            # `taken` is sorted and disjoint: only the span starting before `end` can overlap.
            index = bisect_left(starts, end) - 1
            return index < 0 or taken[index][1] <= start

        for match in _MENTION.finditer(text):
            name = match[1].lower()
            if free(match.start(), match.end()) and account_name_problem(name) is None:
                self.mentions.setdefault(name)
                found.append((match.start(), match.end(), _Element("a", {"href": f"/@{name}"}, [match[0]])))
        for match in _HASHTAG.finditer(text):
            tag = match[1].lower()
            if free(match.start(), match.end()) and not tag.isdigit():
                self.tags.setdefault(tag)
                found.append((match.start(), match.end(), _Element("a", {"href": f"/trending/{tag}"}, [match[0]])))
        if not found:
            return [text]
        out: list[_Node] = []
        position = 0
        for start, end, element in sorted(found, key=lambda item: item[0]):
            if start < position:
                continue
            out.append(text[position:start])
            out.append(element)
            position = end
        out.append(text[position:])
        return out


def _split_paragraph(children: list[_Node]) -> list[_Node]:
    """A <p> cannot hold a <div>: split it around its block children, dropping the <br>s at the seams.

    A paragraph left with nothing to show is dropped.
    """
    if all(_is_blank(child) for child in children):
        return []  # what the sanitizer emptied (a paragraph of only a script, say)
    if not any(isinstance(child, _Element) and child.tag == "div" for child in children):
        return [_Element("p", {}, children)]
    out: list[_Node] = []
    run: list[_Node] = []

    def flush() -> None:
        first, last = 0, len(run)
        while first < last and _is_blank(run[first]):
            first += 1
        while last > first and _is_blank(run[last - 1]):
            last -= 1
        del run[last:], run[:first]
        if run and isinstance(run[0], str):
            run[0] = run[0].lstrip()
        if run and isinstance(run[-1], str):
            run[-1] = run[-1].rstrip()
        if run:
            out.append(_Element("p", {}, list(run)))
        run.clear()

    for child in children:
        if isinstance(child, _Element) and child.tag == "div":
            flush()
            out.append(child)
        else:
            run.append(child)
    flush()
    return out


def _is_blank(node: _Node) -> bool:
    return (isinstance(node, str) and not node.strip()) or (isinstance(node, _Element) and node.tag == "br")


# --------------------------------------------------------------------------- entry point


def _metadata_image(json_metadata: str | dict[str, Any] | None) -> str | None:
    metadata: Any = json_metadata
    if isinstance(metadata, str | bytes):
        try:
            metadata = orjson.loads(metadata)
        except orjson.JSONDecodeError:
            return None
    if not isinstance(metadata, dict):
        return None
    image = metadata.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    return _image_src(image) if isinstance(image, str) else None


def render_body(body: str, json_metadata: str | dict[str, Any] | None = None) -> RenderedBody:
    """Render a post or comment body to sanitized HTML, a plain-text preview and what it links to.

    The index and the notifications both render a new post; the last few results are remembered so
    the work is done once (callers treat the result as read-only)."""
    if json_metadata is None or isinstance(json_metadata, str):
        return _render_remembered(body, json_metadata)
    return _render(body, json_metadata)


@functools.lru_cache(maxsize=64)
def _render_remembered(body: str, json_metadata: str | None) -> RenderedBody:
    return _render(body, json_metadata)


def _render(body: str, json_metadata: str | dict[str, Any] | None) -> RenderedBody:
    source = _html_body(body)
    raw = _markdown_to_html(body) if source is None else source
    tree = _parse(_CLEANER.clean(raw))
    ready = _Ready()
    tree.children = ready.walk(tree, plain=False)
    out: list[str] = []
    _serialize(tree.children, out)
    html = _CLEANER.clean("".join(out)).strip()
    if "<script" in html.lower():  # condenser's last resort; the sanitizer never lets one through
        html = ""
    shown: list[str] = []
    _text_of(tree.children, shown)
    text = " ".join("".join(shown).split())[:PREVIEW_LENGTH].rstrip()
    image = _metadata_image(json_metadata) or next(iter(ready.images), None)
    return RenderedBody(
        html=html,
        text=text,
        image=image,
        links=list(ready.links),
        mentions=list(ready.mentions),
        tags=list(ready.tags),
    )
