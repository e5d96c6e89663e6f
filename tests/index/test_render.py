"""Post bodies rendered to safe HTML as condenser shows them (stoa.index.render)."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest

from stoa.index.render import PREVIEW_LENGTH, RenderedBody, render_body

# The reference's whitelist (frontend-and-board.md §2.2), restated here so the tests do not trust the module's copy.
TAGS = (
    "div", "del", "a", "p", "b", "i", "q", "br", "ul", "li", "ol", "img", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "blockquote", "pre", "code", "em", "strong", "center", "table", "thead", "tbody", "tr", "th", "td", "strike",
    "sup", "sub", "iframe",
)  # fmt: skip
WHITELIST: dict[str, set[str]] = {tag: set() for tag in TAGS}
WHITELIST["div"] = {"class", "title"}
WHITELIST["td"] = {"style"}
WHITELIST["img"] = {"src", "alt"}
WHITELIST["a"] = {"href", "rel", "title", "target"}
WHITELIST["iframe"] = {
    "src",
    "width",
    "height",
    "frameborder",
    "allowfullscreen",
    "webkitallowfullscreen",
    "mozallowfullscreen",
}
EMBED_SRC = re.compile(
    r"^https://(?:www\.youtube\.com/embed/[\w-]+|player\.vimeo\.com/video/\d+|3speak\.online/embed\?v=[\w.-]+/[\w-]+"
    r"|player\.twitch\.tv/\?(?:channel|video)=\w+|emb\.d\.tube/#!/[\w.-]+/[\w-]+|w\.soundcloud\.com/player/\?url=\S+)$"
)
FORBIDDEN_MARKUP = ("<script", "<svg", "<style", "<object", "<embed", "<form", "<math", "<meta", "<base", "<link")
FORBIDDEN_ANYWHERE = ("onerror", "onload", "javascript:", "vbscript:", "srcdoc", "data:")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs), self.get_starttag_text() or ""))


def elements(html: str) -> list[tuple[str, dict[str, str | None], str]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def assert_safe(html: str) -> None:
    """Only whitelisted elements and attributes, and no URL that runs code, in the rendered markup."""
    lower = html.lower()
    for needle in FORBIDDEN_MARKUP:
        assert needle not in lower, (needle, html)
    for tag, attrs, raw in elements(html):
        assert tag in WHITELIST, (tag, html)
        for name, value in attrs.items():
            assert name in WHITELIST[tag], (tag, name, html)
            squeezed = re.sub(r"[\x00-\x20]", "", value or "").lower()
            assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), (name, value, html)
        for needle in FORBIDDEN_ANYWHERE:
            assert needle not in raw.lower(), (needle, raw)
        if tag == "img":
            assert (attrs.get("src") or "").startswith(("https://", "http://")), html
        if tag == "iframe":
            assert EMBED_SRC.match(attrs.get("src") or ""), html
        if tag == "td" and "style" in attrs:
            assert attrs["style"] == "text-align:right"
        if tag == "div" and "class" in attrs:
            assert attrs["class"] in {
                "pull-right",
                "pull-left",
                "text-justify",
                "text-rtl",
                "text-center",
                "text-right",
                "videoWrapper",
                "phishy",
            }


def html_of(body: str, json_metadata: str | dict[str, object] | None = None) -> str:
    rendered = render_body(body, json_metadata)
    assert_safe(rendered.html)
    return rendered.html


# --------------------------------------------------------------------------- XSS

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "Hello <script>alert(1)</script> world",
    "<p>hi</p><script src=https://evil.example/x.js></script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="https://x.example/a.png" onerror="alert(1)" onload="alert(2)">',
    '<img src="javascript:alert(1)">',
    '<img src="https://x.example/a.png" srcset="javascript:alert(1) 2x">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#0000106&#0000097vascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="https://ok.example" onclick="alert(1)" onmouseover="alert(2)">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width:expression(alert(1))">x</p>',
    '<td style="text-align:right;background:url(javascript:alert(1))">x</td>',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="https://www.youtube.com.evil.example/embed/abc"></iframe>',
    '<iframe src="https://www.youtube.com/embed/abc" onload="alert(1)"><script>alert(2)</script></iframe>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    "<details open ontoggle=alert(1)>x</details>",
    "<body onload=alert(1)>",
    "<video src=x onerror=alert(1)></video><audio src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<textarea><script>alert(1)</script></textarea>",
    "<!-- <script>alert(1)</script> -->visible",
    "<!--><img src=x onerror=alert(1)>-->",
    "a <!-- unclosed <img src=x onerror=alert(1)>",
    '<div><p><a href="javascript:alert(1)">x</a><a href=" javascript:alert(2)">y</a></p>',
    "**<img src=x onerror=alert(1)>** _<svg onload=alert(1)>_",
    "> <script>alert(1)</script>\n> <img src=x onerror=alert(1)>",
    "<<img src=x onerror=alert(1)>",
]
# Markup that only a browser's HTML parser reads as a tag: in a markdown body CommonMark leaves it as text.
HTML_ONLY_VECTORS = [
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    '<a href="javascript:alert(1)"',
    "<img src=x onerror=alert(1)",
    '<div><p><a href="javascript:alert(1)">**bold**</a> <img src=x onerror=alert(1)</p>',
]
MARKDOWN_VECTORS = [
    "- <a href=javascript:alert(1)>x</a>\n- ![y](javascript:alert(1))",
    "<div>\n\n**bold** [y](javascript:alert(2)) <a href=javascript:alert(1)>x</a>\n\n</div>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x][1]\n\n[1]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    '[x](https://ok.example "a" onmouseover="alert(1)")',
    "[x](https://ok.example)<img src=x onerror=alert(1)>[y](<javascript:alert(1)>)",
    "<div class=\"pull-left\" onmouseover='alert(1)'>x</div>",
]
# Vectors whose payload is plain text the author typed: it survives as escaped text, never as markup.
XSS_TEXT_ECHO = [
    "<javascript:alert(1)>",
    "`<img src=x onerror=alert(1)>`",
    "```\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```",
    'https://ok.example/"onload="alert(1)',
    "<textarea>x</textarea><img src=x onerror=alert(1)>javascript:alert(1)",
    *HTML_ONLY_VECTORS,
]


XSS_CASES = [
    *[(vector, "markdown") for vector in XSS_VECTORS + MARKDOWN_VECTORS],
    *[(vector, "html") for vector in XSS_VECTORS + HTML_ONLY_VECTORS],
]


@pytest.mark.parametrize(("vector", "mode"), XSS_CASES)
def test_xss_vector_is_neutralised(vector: str, mode: str) -> None:
    body = vector if mode == "markdown" else f"<html>{vector}</html>"
    html = html_of(body)
    lower = html.lower()
    for needle in FORBIDDEN_ANYWHERE:
        assert needle not in lower, (needle, html)
    assert "<iframe" not in lower or "youtube.com/embed/abc" in lower


@pytest.mark.parametrize("mode", ["markdown", "html"])
@pytest.mark.parametrize("vector", XSS_TEXT_ECHO)
def test_payload_typed_as_text_stays_text(vector: str, mode: str) -> None:
    body = vector if mode == "markdown" else f"<html>{vector}</html>"
    html = html_of(body)
    assert "<img" not in html


def test_enough_xss_vectors() -> None:
    assert len(XSS_VECTORS) + len(HTML_ONLY_VECTORS) + len(MARKDOWN_VECTORS) >= 30


def test_script_inside_code_is_escaped_text() -> None:
    html = html_of("`<script>alert(1)</script>`")
    assert html == "<p><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></p>"


def test_sanitized_links_keep_their_text() -> None:
    assert html_of("[click](javascript:alert(1))") == "<p>click</p>"
    assert html_of('<html><a href="javascript:alert(1)">click</a></html>') == "click"


def test_allowed_iframe_keeps_only_whitelisted_attributes() -> None:
    html = html_of('<iframe src="https://www.youtube.com/embed/abc?autoplay=1" onload="x" style="a" name="n"></iframe>')
    assert 'src="https://www.youtube.com/embed/abc"' in html
    assert "autoplay" not in html and "style" not in html and "name=" not in html


# --------------------------------------------------------------------------- markdown


def test_headings_emphasis_and_rules() -> None:
    html = html_of("# One\n\n## Two\n\n### Three\n\n*em* **strong** ~~gone~~\n\n---\n\ntext")
    assert "<h1>One</h1>" in html and "<h2>Two</h2>" in html and "<h3>Three</h3>" in html
    assert "<em>em</em> <strong>strong</strong> <del>gone</del>" in html
    assert "<hr>" in html


def test_lists_and_blockquotes() -> None:
    html = html_of("- a\n- b\n\n1. one\n2. two\n\n> quoted\n> more")
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in html
    assert "<ol>\n<li>one</li>\n<li>two</li>\n</ol>" in html
    assert "<blockquote>\n<p>quoted<br>\nmore</p>\n</blockquote>" in html


def test_single_newline_is_a_line_break() -> None:
    assert html_of("one\ntwo") == "<p>one<br>\ntwo</p>"


def test_code_leaves_mentions_tags_and_urls_alone() -> None:
    rendered = render_body("Inline `@alice #tag https://x.example`\n\n```python\n# @bob #steem\nprint(1)\n```\n")
    assert_safe(rendered.html)
    assert "<code>@alice #tag https://x.example</code>" in rendered.html
    assert "<pre><code># @bob #steem\nprint(1)\n</code></pre>" in rendered.html
    assert "<a" not in rendered.html
    assert rendered.mentions == [] and rendered.tags == [] and rendered.links == []


def test_pre_without_code_in_html_is_left_alone() -> None:
    rendered = render_body("<html><pre>@alice #tag</pre></html>")
    assert rendered.html == "<pre>@alice #tag</pre>"
    assert rendered.mentions == [] and rendered.tags == []


def test_tables_keep_only_right_alignment() -> None:
    html = html_of("| a | b | c |\n|--:|:-:|---|\n| 1 | 2 | 3 |")
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert '<td style="text-align:right">1</td>' in html
    assert "<td>2</td>" in html and "<td>3</td>" in html
    assert "<th>a</th>" in html


def test_links_and_images() -> None:
    html = html_of('[site](https://example.com "Title") ![a cat](https://x.example/cat.png "t")')
    assert '<a href="https://example.com" title="Title" rel="nofollow noopener" target="_blank">site</a>' in html
    assert '<img src="https://x.example/cat.png" alt="a cat">' in html


def test_whitelisted_html_in_markdown() -> None:
    body = (
        "<center>centred</center>\n\nH<sub>2</sub>O and x<sup>2</sup> <b>b</b> <i>i</i> <q>q</q> <strike>s</strike>"
        '\n\n<div class="pull-left">L</div>\n\n<div class="pull-right">R</div>\n\n<div class="text-justify">J</div>'
        '\n\n<div class="text-rtl">T</div>\n\n<div class="text-center">C</div>\n\n<div class="evil">E</div>'
        '\n\n<div class="pull-left evil" id="x" title="hi">P</div>\n\n<span style="color:red">span</span> <u>u</u>'
    )
    html = html_of(body)
    assert "<center>centred</center>" in html
    assert "H<sub>2</sub>O and x<sup>2</sup> <b>b</b> <i>i</i> <q>q</q> <strike>s</strike>" in html
    for css in ("pull-left", "pull-right", "text-justify", "text-rtl", "text-center"):
        assert f'<div class="{css}">' in html
    assert "<div>E</div>" in html
    assert "<div>P</div>" in html
    assert "span u" in html and "<span" not in html and "<u>" not in html


def test_markdown_inside_html_block_is_not_rendered() -> None:
    assert html_of("<div>\n*not emphasis*\n</div>") == "<div>\n*not emphasis*\n</div>"


def test_comments_are_stripped() -> None:
    assert html_of("before <!-- hidden --> after") == "<p>before  after</p>"
    assert html_of("<!--\nhidden block\n-->\n\nshown") == "<p>shown</p>"


# --------------------------------------------------------------------------- mentions and tags


def test_mentions_link_to_the_account_and_are_collected() -> None:
    rendered = render_body("Hi @Alice, @bob.smith and @carol-1. Also ＠dave! Again @alice.")
    assert_safe(rendered.html)
    assert '<a href="/@alice">@Alice</a>' in rendered.html
    assert '<a href="/@bob.smith">@bob.smith</a>' in rendered.html
    assert '<a href="/@carol-1">@carol-1</a>' in rendered.html
    assert '<a href="/@dave">＠dave</a>' in rendered.html
    assert rendered.mentions == ["alice", "bob.smith", "carol-1", "dave"]


@pytest.mark.parametrize(
    "text",
    [
        "@ab",
        "@1abc",
        "@alice_bob",
        "@averyveryverylongname",
        "@ab.cd",
        "mail bob@example.com",
        "path/@alice",
        "@@alice",
        "x@alice",
    ],
)
def test_invalid_or_embedded_mentions_stay_text(text: str) -> None:
    rendered = render_body(text)
    assert rendered.mentions == []
    assert "<a" not in rendered.html


def test_mentions_inside_links_are_not_linked() -> None:
    rendered = render_body("[@alice](https://example.com/@alice) and https://example.com/@bob")
    assert rendered.mentions == []
    assert rendered.html.count("<a ") == 2


def test_hashtags() -> None:
    rendered = render_body("Love #Steem and #photo-graphy, not #123 or a#b or #café.\n\n# Heading")
    assert_safe(rendered.html)
    assert '<a href="/trending/steem">#Steem</a>' in rendered.html
    assert '<a href="/trending/photo-graphy">#photo-graphy</a>' in rendered.html
    assert "#123" in rendered.html and "a#b" in rendered.html and "#café" in rendered.html
    assert "<h1>Heading</h1>" in rendered.html
    assert rendered.tags == ["steem", "photo-graphy"]


def test_mentions_and_tags_inside_raw_html() -> None:
    rendered = render_body('<html><div class="text-center">by @alice #art</div></html>')
    assert rendered.html == (
        '<div class="text-center">by <a href="/@alice">@alice</a> <a href="/trending/art">#art</a></div>'
    )
    assert rendered.mentions == ["alice"] and rendered.tags == ["art"]


# --------------------------------------------------------------------------- links


def test_bare_urls_are_linked_external() -> None:
    rendered = render_body("See https://example.com/a?b=1&c=2. And (https://en.wikipedia.org/wiki/Foo_(bar)).")
    assert_safe(rendered.html)
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener" target="_blank">'
        "https://example.com/a?b=1&amp;c=2</a>." in rendered.html
    )
    assert 'href="https://en.wikipedia.org/wiki/Foo_(bar)"' in rendered.html
    assert rendered.links == ["https://example.com/a?b=1&c=2", "https://en.wikipedia.org/wiki/Foo_(bar)"]


def test_downloads_are_not_linked() -> None:
    rendered = render_body("get https://example.com/setup.exe or https://example.com/a.zip")
    assert "<a" not in rendered.html and rendered.links == []


def test_internal_and_external_links() -> None:
    body = (
        '<html><a href="/@alice/post" target="_top" rel="opener">in</a> <a href="#top">top</a> '
        '<a href="https://example.com" target="_self">out</a> <a href="//example.com">proto</a> '
        '<a href="/\\evil.example">slash</a> <a href="example.com/page">bare</a> '
        '<a href="steem://transfer">app</a> <a href="mailto:a@b.example">mail</a></html>'
    )
    rendered = render_body(body)
    assert_safe(rendered.html)
    html = rendered.html
    assert '<a href="/@alice/post">in</a>' in html
    assert '<a href="#top">top</a>' in html
    assert '<a href="https://example.com" rel="nofollow noopener" target="_blank">out</a>' in html
    assert '<a href="//example.com" rel="nofollow noopener" target="_blank">proto</a>' in html
    assert '<a href="/\\evil.example" rel="nofollow noopener" target="_blank">slash</a>' in html
    assert '<a href="https://example.com/page" rel="nofollow noopener" target="_blank">bare</a>' in html
    assert '<a href="steem://transfer" rel="nofollow noopener" target="_blank">app</a>' in html
    assert "mail" in html and "mailto" not in html
    assert rendered.links == [
        "/@alice/post",
        "#top",
        "https://example.com",
        "//example.com",
        "/\\evil.example",
        "https://example.com/page",
        "steem://transfer",
    ]


def test_link_showing_another_url_is_expanded_as_phishy() -> None:
    rendered = render_body("[https://steemit.com/@alice](https://evil.example/login)")
    assert_safe(rendered.html)
    assert rendered.html == (
        '<div class="phishy" title="Link expanded to plain text; beware of a potential phishing attempt">'
        "https://steemit.com/@alice / https://evil.example/login</div>"
    )
    assert rendered.links == []


def test_link_showing_its_own_url_is_fine() -> None:
    html = html_of("[www.example.com/x](https://example.com/x) <https://example.com/y>")
    assert "phishy" not in html and html.count("<a ") == 2


# --------------------------------------------------------------------------- images


def test_bare_image_url_on_its_own_line_becomes_an_image() -> None:
    rendered = render_body("Look:\nhttps://x.example/cat.JPG?w=1\nnice, and https://x.example/dog.png mid-line")
    assert_safe(rendered.html)
    assert '<img src="https://x.example/cat.JPG?w=1">' in rendered.html
    assert '<a href="https://x.example/dog.png"' in rendered.html
    assert rendered.image == "https://x.example/cat.JPG?w=1"


def test_image_sources() -> None:
    html = html_of(
        "<html><img src='//x.example/a.png' alt='proto'><img src='http://x.example/b.png' alt='plain'>"
        "<img src='/relative.png' alt='rel'><img src='data:image/png;base64,AAAA'>"
        "<img src='https://x.example/c.png' class='pull-left' width='9' title='t'></html>"
    )
    assert html == (
        '<img src="https://x.example/a.png" alt="proto"><img src="http://x.example/b.png" alt="plain">'
        '<img src="https://x.example/c.png">'
    )


def test_first_image_from_metadata_then_body() -> None:
    body = "text ![a](https://x.example/first.png) ![b](https://x.example/second.png)"
    assert render_body(body).image == "https://x.example/first.png"
    assert render_body(body, '{"image": ["https://meta.example/m.png"]}').image == "https://meta.example/m.png"
    assert render_body(body, {"image": ["https://meta.example/m.png", "x"]}).image == "https://meta.example/m.png"
    assert render_body(body, {"image": "https://meta.example/s.png"}).image == "https://meta.example/s.png"
    for metadata in ("not json", "[]", '{"image": []}', '{"image": [1]}', '{"image": ["javascript:alert(1)"]}', None):
        assert render_body(body, metadata).image == "https://x.example/first.png"
    assert render_body("no images").image is None


# --------------------------------------------------------------------------- embeds

YOUTUBE = (
    '<div class="videoWrapper"><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" width="640" height="360" '
    'frameborder="0" allowfullscreen=""></iframe></div>'
)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42s",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?t=10",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
    ],
)
def test_youtube_url_on_its_own_line_is_embedded(url: str) -> None:
    rendered = render_body(f"Watch this:\n\n{url}\n\nBye")
    assert_safe(rendered.html)
    assert rendered.html == f"<p>Watch this:</p>\n{YOUTUBE}\n<p>Bye</p>"
    assert rendered.image == "https://img.youtube.com/vi/dQw4w9WgXcQ/0.jpg"
    assert rendered.links == []


def test_embed_splits_the_paragraph_around_it() -> None:
    html = html_of("Watch:\nhttps://youtu.be/dQw4w9WgXcQ\nBye")
    assert html == f"<p>Watch:</p>{YOUTUBE}<p>Bye</p>"


def test_youtube_url_inside_a_sentence_stays_a_link() -> None:
    html = html_of("see https://youtu.be/dQw4w9WgXcQ now")
    assert "<iframe" not in html and 'href="https://youtu.be/dQw4w9WgXcQ"' in html


@pytest.mark.parametrize("url", ["https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?autoplay=1"])
def test_vimeo_url_is_embedded(url: str) -> None:
    html = html_of(url)
    assert html == (
        '<div class="videoWrapper"><iframe src="https://player.vimeo.com/video/76979871" width="640" height="360" '
        'frameborder="0" allowfullscreen=""></iframe></div>'
    )


@pytest.mark.parametrize(
    ("url", "src"),
    [
        ("https://www.twitch.tv/somechannel", "https://player.twitch.tv/?channel=somechannel"),
        ("https://www.twitch.tv/videos/123456", "https://player.twitch.tv/?video=v123456"),
        ("https://d.tube/#!/v/alice/abc123", "https://emb.d.tube/#!/alice/abc123"),
        ("https://3speak.tv/watch?v=alice/abcdef", "https://3speak.online/embed?v=alice/abcdef"),
    ],
)
def test_other_video_hosts_are_embedded(url: str, src: str) -> None:
    assert f'<iframe src="{src}"' in html_of(url)


def test_existing_iframes_are_normalised_and_wrapped() -> None:
    body = (
        '<html><p>Video: <iframe src="https://www.youtube.com/embed/abc_DEF-123?autoplay=1&amp;mute=1" width="1" '
        'height="2" frameborder="5" allowfullscreen></iframe></p>'
        '<div class="videoWrapper"><iframe src="//player.vimeo.com/video/42"></iframe></div>'
        '<iframe src="https://evil.example/embed"></iframe>'
        '<iframe src="https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/1&amp;auto_play=true">'
        "</iframe></html>"
    )
    rendered = render_body(body)
    assert_safe(rendered.html)
    assert rendered.html == (
        '<p>Video:</p><div class="videoWrapper"><iframe src="https://www.youtube.com/embed/abc_DEF-123" width="640" '
        'height="360" frameborder="0" allowfullscreen=""></iframe></div>'
        '<div class="videoWrapper"><iframe src="https://player.vimeo.com/video/42" width="640" height="360" '
        'frameborder="0" allowfullscreen=""></iframe></div>'
        '<div class="videoWrapper"><iframe src="https://w.soundcloud.com/player/?url=https%3A%2F%2Fapi.soundcloud.com'
        '%2Ftracks%2F1&amp;auto_play=false" width="640" height="360" frameborder="0" allowfullscreen=""></iframe></div>'
    )
    assert rendered.image == "https://img.youtube.com/vi/abc_DEF-123/0.jpg"


# --------------------------------------------------------------------------- preview and modes


def test_preview_text_is_plain_and_collapsed() -> None:
    rendered = render_body(
        "# Title\n\nSome *bold*   text &amp; more\n\n- a\n- b\n\n![x](https://x.example/a.png)\n\nend"
    )
    assert rendered.text == "Title Some bold text & more a b end"


def test_preview_is_capped() -> None:
    rendered = render_body("word " * 1000)
    assert len(rendered.text) <= PREVIEW_LENGTH
    assert rendered.text.startswith("word word")
    assert "  " not in rendered.text


def test_html_body_is_not_markdown() -> None:
    rendered = render_body("<html>**not bold**\n*nor this* <b>but this</b>\n\n# nor a heading</html>")
    assert rendered.html == "**not bold**\n*nor this* <b>but this</b>\n\n# nor a heading"
    assert rendered.tags == []


def test_body_starting_with_a_paragraph_is_html() -> None:
    rendered = render_body("<p>one</p>\n\n**two**")
    assert rendered.html == "<p>one</p>\n\n**two**"
    assert render_body("  <html><p>x</p></html>\n").html == "<p>x</p>"


def test_empty_body() -> None:
    assert render_body("") == RenderedBody(html="", text="", image=None, links=[], mentions=[], tags=[])


def test_result_is_frozen() -> None:
    rendered = render_body("x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        rendered.html = "<script>"  # type: ignore[misc]


def test_deep_nesting_is_survived() -> None:
    rendered = render_body("<html>" + "<div>" * 3000 + "deep @alice" + "</div>" * 3000 + "</html>")
    assert_safe(rendered.html)
    assert "deep" in rendered.text
