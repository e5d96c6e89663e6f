"""Every route of the site over a real chain: lists, tags, profile tabs, the wallet, the post page's
payout menu, voters, load more, low-rated and deep comments, the editor, login, JSON variants,
redirects, the preview and the vendor scripts; unknown things are 404 pages, bad queries 400."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import orjson
import pytest
from starlette.testclient import TestClient

from stoa.chain.node import Node
from stoa.market.widget import install, ticker_from_config
from stoa.web.site import VENDOR, env, link_board

from .conftest import OPTIONS, VOTERS, WELCOME


def page(client: TestClient, path: str, status: int = 200) -> str:
    answer = client.get(path, follow_redirects=False)
    assert answer.status_code == status, (path, answer.status_code)
    assert answer.headers["content-type"].startswith("text/html"), path
    assert "Traceback" not in answer.text
    return answer.text


def test_list_sorts_and_tags(client: TestClient) -> None:
    for path in ("/payout", "/payout/tests", "/muted", "/muted/news"):
        html = page(client, path)
        assert '<nav class="sorts" aria-label="Sort">' in html and ">Payouts</a>" in html and ">Muted</a>" in html
    assert 'href="/tests/@dave/options">Options</a>' in page(client, "/payout/tests")
    assert "Options</a>" not in page(client, "/muted") and "No posts yet." in page(client, "/muted")
    tags = page(client, "/tags")
    assert '<a href="/trending/news">#news</a>' in tags and '<a href="/trending/tests">#tests</a>' in tags
    assert '<a href="/created/news">#news</a>' in page(client, "/created")  # the sidebar's trending tags


def test_pages_of_lists(client: TestClient) -> None:
    older = page(client, "/created?after=bob/markets-this-week")
    assert 'href="/news/@alice/welcome-to-stoa"' in older and 'href="/news/@bob/markets-this-week"' not in older
    assert "Options</a>" not in page(client, "/created/tests?after=dave/options")
    comments = page(client, "/@voter3/comments")
    first = re.search(r'href="/tests/@dave/options#@voter3/([a-z0-9-]+)"', comments)[1]
    assert f"#@voter3/{first}" not in page(client, f"/@voter3/comments?after=voter3/{first}")
    many = [{"author": "a", "permlink": f"p{n}"} for n in range(20)]
    more = env.get_template("_macros.html").module.more_link(many, 20)  # type: ignore[attr-defined]
    assert '<a href="?after=a/p19">More posts</a>' in more
    assert "More posts" not in env.get_template("_macros.html").module.more_link(many[:5], 20)  # type: ignore[attr-defined]


def test_profile_tabs(client: TestClient) -> None:
    assert 'href="/tests/@dave/options">Options</a>' in page(client, "/@dave/posts")
    assert "RE: Options" in page(client, "/@dave/comments")
    assert "RE: Options" in page(client, "/@dave/replies")  # replies to dave's post
    assert 'href="/tests/@dave/options"' in page(client, "/@dave/payout")
    assert "Welcome to Stoa" in page(client, "/@bob/feed")
    followers = page(client, "/@alice/followers")
    assert '<a href="/@bob">@bob</a>' in followers and '<a href="/@carol">@carol</a>' in followers
    assert '<a href="/@alice">@alice</a>' in page(client, "/@carol/followed")
    assert "Nobody yet." in page(client, "/@dave/followers")
    assert '<span class="joined">Joined ' in page(client, "/@dave")
    notes = page(client, "/@bob/notifications")
    assert "@alice sent you 1.500 STEEM - thanks" in notes
    assert 'class="active" aria-current="page">Notifications' in notes


def test_profiles_link_to_the_board_of_honor_when_a_board_runs(client: TestClient) -> None:
    assert "Board of Honor" not in page(client, "/@dave")
    link_board("http://127.0.0.1:8095/")
    try:
        html = page(client, "/@dave")
        assert '<a class="board-of-honor" href="http://127.0.0.1:8095/@dave">Board of Honor</a>' in html
    finally:
        env.globals["board_url"] = ""


def test_wallet(client: TestClient) -> None:
    html = page(client, "/@alice/transfers")
    assert "<h2>STEEM</h2>" in html and "<h2>STEEM POWER</h2>" in html and "<h2>STEEM DOLLARS</h2>" in html
    assert "<h2>SAVINGS</h2>" in html and "Estimated Account Value" in html
    assert "Transfer 1.500 STEEM from alice to bob — thanks" in html
    assert re.search(r'<span class="value">498\.500 STEEM</span>', html)  # 1,000 − 500 powered up − 1.5
    power = float(re.search(r'id="steem-power">.*?<span class="value">([\d,.]+) STEEM', html, re.S)[1].replace(",", ""))
    assert power == pytest.approx(500, rel=0.01)
    assert 'data-act="open" data-form="transfer-form"' in html and 'id="power-down-form"' in html
    assert "Redeem Rewards" not in html  # nothing to claim yet


def test_post_page_payout_menu_and_voters(client: TestClient) -> None:
    html = page(client, OPTIONS)
    assert '<span class="powered" title="Powered Up 100%">' in html
    post = html[html.index('<article class="post"') : html.index('<section id="comments"')]
    assert '<details class="payout-menu"><summary class="payout" title="Payout">$0.00</summary>' in post
    voters = re.findall(r'<li>\+ <a href="/@(voter\d+)">', post)
    assert len(voters) == 20 and set(voters) <= set(VOTERS)
    assert '<li class="more">and 1 more</li>' in post and "<summary>21 votes</summary>" in post
    assert 'data-act="resteem"' in post and 'href="/submit.html?edit=dave/options"' in post
    assert 'data-act="delete"' not in post  # it has votes


def test_comments_load_more_low_rated_declined_and_deep(client: TestClient) -> None:
    html = page(client, OPTIONS)
    more = html.split('<details class="load-more">')[1]
    assert "<summary>Load more comments (1)</summary>" in more
    low = html[html.index('id="@voter1/re-voter1"') :]
    assert "Will be hidden due to low rating" in low[:2000] and "Reveal comment" in low[:2000]
    assert 'id="@voter1/re-voter1"' in more  # low-rated comments go last
    declined = html[html.index('id="@dave/re-dave"') :][:3000]
    assert '<a class="payout declined" title="Payout Declined" href="/tests/@dave/re-dave">$0.00</a>' in declined
    assert "<li>Payout Declined</li>" in page(client, "/tests/@dave/re-dave")  # its own page has the menu
    assert '<button type="button" class="linkish" data-act="delete">Delete</button>' in declined
    assert 'id="@voter4/deep-5"' in html and 'id="@voter3/deep-6"' not in html
    assert 'href="/tests/@voter4/deep-5">Show 1 more reply</a>' in html
    thread = page(client, "/tests/@voter4/deep-5")
    assert "You are viewing a single comment's thread from:" in thread
    assert 'href="/tests/@dave/options">View the full context</a>' in thread and "View the direct parent" in thread
    assert 'id="@voter3/deep-6"' in thread


def test_editor_login_and_preview(client: TestClient) -> None:
    editor = page(client, "/submit.html")
    assert '<form id="editor" data-action="post">' in editor and 'name="beneficiaries"' in editor
    assert "_coin_marketplace" not in editor
    edit = page(client, "/submit.html?edit=dave/options")
    assert 'value="Options"' in edit and "Powered up, with many voters.</textarea>" in edit
    assert 'data-permlink="options"' in edit
    assert "never sent to any server" in page(client, "/login.html")
    rendered = client.post("/preview", content=b"**bold** <script>alert(1)</script> @bob")
    assert rendered.status_code == 200 and "<strong>bold</strong>" in rendered.text
    assert "<script" not in rendered.text and 'href="/@bob"' in rendered.text
    assert client.post("/preview", content=b"x" * 70_000).status_code == 413
    assert client.post("/preview", content=b"\xff\xfe").status_code == 400


def test_json_variants_and_redirects(client: TestClient) -> None:
    post = client.get(OPTIONS + ".json")
    assert post.headers["content-type"] == "application/json"
    body = orjson.loads(post.content)
    assert body["author"] == "dave" and len(body["active_votes"]) == 21 and body["percent_steem_dollars"] == 0
    user = orjson.loads(client.get("/@dave.json").content)["user"]
    assert user["name"] == "dave" and user["balance"] == "50.000 STEEM"
    short = client.get("/@dave/options", follow_redirects=False)
    assert short.status_code == 301 and short.headers["location"] == OPTIONS
    assert client.get("/@alice/welcome-to-stoa", follow_redirects=False).headers["location"] == WELCOME


def test_the_market_page_is_a_site_route(client: TestClient) -> None:
    html = page(client, "/market")
    assert "<h1>" in html and 'href="/static/site.css"' in html and '<nav aria-label="Lists">' in html
    assert page(client, "/market?") == html  # an empty query string is no query
    assert '<a href="/market">Market</a>' in page(client, "/trending")  # every page's navigation leads there
    refused = client.post("/market")
    assert refused.status_code == 405 and "405" in refused.text and "Traceback" not in refused.text


@dataclass
class Coin:
    symbol: str
    sparklines: int = 0  # svg.sparkline elements in the coin's row
    titles: int = 0  # hover titles in them
    price: str = ""
    demo: bool = False


class SidebarCoins(HTMLParser):
    """The Coin Marketplace rows found inside the page's <aside class="sidebar">."""

    def __init__(self) -> None:
        super().__init__()
        self.coins: list[Coin] = []
        self.sidebar = 0  # depth of open sidebars
        self.coin: Coin | None = None
        self.svg = self.title = self.price = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "aside":
            self.sidebar += "sidebar" in classes
        elif self.sidebar and tag == "li" and "coin" in classes:
            self.coin = Coin(found.get("data-symbol") or "")
            self.coins.append(self.coin)
        elif self.coin is not None and tag == "svg" and "sparkline" in classes:
            self.coin.sparklines += 1
            self.svg = True
        elif self.coin is not None and self.svg and tag == "title":
            self.coin.titles += 1
        elif self.coin is not None and tag == "span":
            self.coin.demo |= "coin-demo" in classes
            self.price = "coin-price" in classes

    def handle_endtag(self, tag: str) -> None:
        if tag == "aside" and self.sidebar:
            self.sidebar -= 1
        elif tag == "li":
            self.coin = None
        elif tag == "svg":
            self.svg = False
        elif tag == "span":
            self.price = False

    def handle_data(self, data: str) -> None:
        if self.coin is not None and self.price:
            self.coin.price += data


def sidebar_coins(html: str) -> list[Coin]:
    parser = SidebarCoins()
    parser.feed(html)
    parser.close()
    return parser.coins


SEVEN = ["STEEM", "TRX", "JST", "BTC", "ETH", "USDT", "SBD"]


def test_the_coin_marketplace_in_the_sidebars(client: TestClient, web_node: Node) -> None:
    """With a ticker installed (the network's feed and market for STEEM and SBD, the offline demo source
    for the rest), the post, list and editor pages show all seven coins in their sidebars, each with
    its price and an SVG sparkline with hover titles; the env's global is put back after."""
    pages = (OPTIONS, "/created", "/created/tests", "/submit.html")
    without = {path: sidebar_coins(page(client, path)) for path in pages}
    ticker = ticker_from_config({}, web_node, demo=True)
    ticker.refresh()
    before = env.globals["coin_marketplace"]
    install(env, ticker)
    try:
        for path in pages:
            html = page(client, path)
            coins = sidebar_coins(html)
            assert [coin.symbol for coin in coins] == SEVEN, path
            assert all(coin.sparklines == 1 and coin.titles >= 1 for coin in coins), (path, coins)
            assert all(re.fullmatch(r"\$[\d,]+\.\d+", coin.price.strip()) for coin in coins), (path, coins)
            assert [coin.symbol for coin in coins if coin.demo] == ["TRX", "JST", "BTC", "ETH", "USDT"], path
            assert all(coin.titles == 25 for coin in coins if coin.demo), path  # one an hour, both ends
            assert "Demo data: not real prices" in html and "STEEM and SBD: this network" in html
    finally:
        env.globals["coin_marketplace"] = before
    assert {path: sidebar_coins(page(client, path)) for path in pages} == without


def test_scripts(client: TestClient) -> None:
    for name in ("stoa.js", "site.js"):
        assert client.get(f"/static/{name}").status_code == 200
    if all(path.exists() for path in VENDOR.values()):  # `make` installs them
        plain = client.get("/static/vendor/dsteem.js", headers={"accept-encoding": "identity"})
        assert plain.status_code == 200 and plain.headers["content-type"].startswith("text/javascript")
        packed = client.get("/static/vendor/dsteem.js", headers={"accept-encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip" and packed.content == plain.content
        assert "regeneratorRuntime" in client.get("/static/vendor/regenerator-runtime.js").text
    assert client.get("/static/vendor/other.js").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/@dave/no-such-tab-or-post",
        "/@nobody/transfers",
        "/@nobody/feed",
        "/@Bad!Name/followers",
        "/@nobody.json",
        "/tests/@dave/nope.json",
        "/payout/no-such-tag",
        "/muted/no-such-tag",
        "/trending/" + "a" * 33,
        "/submit.html?edit=dave/nope",
        "/tests/@nobody/options",
        "/created?after=dave/nope",
        "/market/orders",
    ],
)
def test_unknown_things_are_404_pages(client: TestClient, path: str) -> None:
    assert "404" in page(client, path, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/tags?x=1",
        "/payout?sort=new",
        "/@dave/transfers?x=1",
        "/@dave/followers?start=a",
        OPTIONS + "?sort=age",
        OPTIONS + "?sort=votes&sort=new",
        "/submit.html?edit=not-a-post",
        "/submit.html?edit=a/b&edit=c/d",
        "/login.html?next=/",
        "/@dave.json?x=1",
        OPTIONS + ".json?x=1",
        "/created?after=not-a-post",
        "/@dave/followers?after=dave/options",
        "/@dave/transfers?after=dave/options",
        "/market?x=1",
        "/market?limit=10&limit=20",
        "/market?%ff=%fe",
        "/market?&=",
    ],
)
def test_malformed_queries_are_400_pages(client: TestClient, path: str) -> None:
    assert "400" in page(client, path, 400)


def test_pages_are_gzipped_and_json_rpc_answers_are_not(client: TestClient) -> None:
    page_answer = client.get("/trending", headers={"accept-encoding": "gzip"})
    assert page_answer.status_code == 200 and page_answer.headers["content-encoding"] == "gzip"
    body = orjson.dumps({"jsonrpc": "2.0", "id": 1, "method": "bridge.get_ranked_posts", "params": {"sort": "created"}})
    rpc_answer = client.post("/", content=body, headers={"accept-encoding": "gzip"})
    assert len(rpc_answer.content) > 1024 and "content-encoding" not in rpc_answer.headers
    assert len(rpc_answer.json()["result"]) > 1
