"""The read-only web pages, rendered by the node's app over a real dev chain seeded with the demo content."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from stoa.web.templating import relative_time

from .conftest import WELCOME


def order(html: str, names: list[str]) -> list[str]:
    """The given comment ids in the order they appear in the page."""
    return sorted(names, key=lambda name: html.index(f'id="@{name}"'))


def test_home_is_the_trending_list(client: TestClient) -> None:
    for path in ("/", "/trending", "/hot", "/created", "/created/news", "/trending/news"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        assert f'href="{WELCOME}">Welcome to Stoa</a>' in page.text
        assert 'href="/news/@bob/markets-this-week"' in page.text
        assert (
            '<a class="author" href="/@alice">alice</a> <span class="rep" title="Reputation">(25)</span>' in page.text
        )
        assert 'in\n<a class="tag" href="/created/news">#news</a>' in page.text
        assert re.search(
            r'<time datetime="[0-9T:-]+Z" title="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC">[^<]+</time>', page.text
        )
        assert "Stoa is a self-hosted, reward-based blogging network." in page.text  # preview, markup stripped
        assert re.search(r'<span class="payout">\$[\d,]+\.\d\d</span>', page.text)
        assert "2 votes" in page.text and "4 replies" in page.text
    assert "xss" in client.get("/created").text and "xss" not in client.get("/created/news").text


def test_post_page_shows_the_post_and_its_nested_thread(client: TestClient) -> None:
    page = client.get(WELCOME)
    assert page.status_code == 200
    html = page.text
    assert "<h1>Welcome to Stoa</h1>" in html
    assert "<strong>self-hosted</strong>" in html  # the sanitized body, rendered as HTML
    assert '<li><a href="/trending/news">news</a></li><li><a href="/trending/stoa">stoa</a></li>' in html
    assert "2 votes" in html
    assert "Sort:" in html and 'href="?sort=votes#comments"' in html and 'href="?sort=new#comments"' in html
    # carol's reply to bob's reply sits inside bob's comment's list
    bob = html.index('id="@bob/re-welcome-to-stoa"')
    nested = html.index('id="@carol/re-re-welcome-to-stoa"')
    assert bob < nested and html.count('<ul class="comments">', bob, nested) == 1
    assert "Hello Alice, glad to be here." in html and "Welcome both!" in html


def test_comment_sort_orders(client: TestClient) -> None:
    top = ["bob/re-welcome-to-stoa", "carol/re-carol", "alice/re-alice"]
    default = client.get(WELCOME).text
    assert order(default, top) == ["bob/re-welcome-to-stoa", "carol/re-carol", "alice/re-alice"]
    assert order(client.get(WELCOME + "?sort=trending").text, top) == order(default, top)
    assert order(client.get(WELCOME + "?sort=votes").text, top) == [
        "carol/re-carol",
        "bob/re-welcome-to-stoa",
        "alice/re-alice",
    ]
    assert order(client.get(WELCOME + "?sort=new").text, top) == [
        "alice/re-alice",
        "carol/re-carol",
        "bob/re-welcome-to-stoa",
    ]
    assert 'class="active" aria-current="true">Votes' in client.get(WELCOME + "?sort=votes").text


def test_profile_page(client: TestClient) -> None:
    page = client.get("/@alice")
    assert page.status_code == 200
    assert '<h1>Alice <span class="rep" title="Reputation">(25)</span></h1>' in page.text
    assert "2 followers" in page.text and "0 following" in page.text
    assert "Writes about the news of the day." in page.text
    assert f'href="{WELCOME}">Welcome to Stoa</a>' in page.text
    assert "markets-this-week" not in page.text
    carol = client.get("/@carol").text
    assert "0 followers" in carol and "2 following" in carol


def test_user_text_is_escaped(client: TestClient) -> None:
    listing = client.get("/created").text
    assert "<script>" not in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in listing
    post = client.get("/tests/@carol/xss")
    assert post.status_code == 200
    assert "<script>" not in post.text and "&lt;script&gt;alert(1)" in post.text


def test_missing_things_are_404_pages(client: TestClient) -> None:
    for path in (
        "/@nobody",
        "/@Not_A_Name!",
        "/news/@alice/no-such-post",
        "/news/@Bad!/x",
        "/trending/no-such-tag",
        "/sideways",
        "/payouts/news",
        "/a/b/c/d",
        "/static/missing.css",
    ):
        page = client.get(path)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert "404" in page.text and "Traceback" not in page.text


def test_bad_query_strings_are_400_pages(client: TestClient) -> None:
    for path in (
        WELCOME + "?sort=sideways",
        WELCOME + "?sort=votes&sort=age",
        WELCOME + "?page=2",
        "/?x=1",
        "/@alice?tab=1",
    ):
        page = client.get(path)
        assert page.status_code == 400, path
        assert "400" in page.text and page.headers["content-type"].startswith("text/html")


def test_wrong_category_redirects_to_the_post(client: TestClient) -> None:
    page = client.get("/other/@alice/welcome-to-stoa", follow_redirects=False)
    assert page.status_code == 301 and page.headers["location"] == WELCOME


def test_static_css_and_the_api_stay_up(client: TestClient) -> None:
    css = client.get("/static/site.css")
    assert css.status_code == 200 and "prefers-color-scheme: dark" in css.text
    assert "condenser_api.get_content" in client.get("/api").json()["methods"]
    answer = client.post(
        "/",
        json={"jsonrpc": "2.0", "id": 1, "method": "condenser_api.get_content", "params": ["alice", "welcome-to-stoa"]},
    )
    assert answer.json()["result"]["title"] == "Welcome to Stoa"


def test_relative_time() -> None:
    now = 1_000_000_000
    assert relative_time(now - 10, now) == "just now"
    assert relative_time(now - 120, now) == "2 minutes ago"
    assert relative_time(now - 3600, now) == "1 hour ago"
    assert relative_time(now - 7 * 31_536_000 - 5, now) == "7 years ago"
