"""The site in a real browser against a real node: log in, post, vote, reply, sort, transfer, follow,
power up; screenshots of the main pages; and no request ever carries a password or a private key.

The tests run in order on one node and share two logged-in readers (alice and bob)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from stoa.protocol import PrivateKey
from stoa.protocol.operations import Comment, Vote

from ..integration.conftest import INIT_WIF, RunningNode
from .conftest import (
    Traffic,
    advance,
    broadcast,
    leaks,
    login,
    open_context,
    screenshot,
    secrets,
    signed,
    watch_dialogs,
)

TRAFFIC: list[Traffic] = []
POST_TITLE = "Cats of the week"
BODY = (
    "Some **bold** words and a picture:\n\n![a cat](https://images.example/cat.png)\n\n"
    "Thanks @bob for the idea. #caturday"
)


def reader(browser: Browser, node: RunningNode) -> Page:
    traffic = Traffic()
    TRAFFIC.append(traffic)
    page = open_context(browser, node, traffic).new_page()
    watch_dialogs(page, traffic, accept=True)
    return page


@pytest.fixture(scope="module")
def alice(browser: Browser, node: RunningNode) -> Iterator[Page]:
    page = reader(browser, node)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def bob(browser: Browser, node: RunningNode) -> Iterator[Page]:
    page = reader(browser, node)
    yield page
    page.context.close()


def status(page: Page) -> str:
    return page.locator("#status").inner_text()


def figure(page: Page, section: str) -> float:
    """A wallet figure, e.g. '1,000.000 STEEM' → 1000.0."""
    text = page.locator(f"#{section} .value").first.inner_text()
    return float(text.split()[0].replace(",", "").lstrip("$"))


def post_url(node: RunningNode) -> str:
    found = node.call("condenser_api.get_discussions_by_created", [{"tag": "photos", "limit": 1}])
    return str(found[0]["url"])


def test_login_with_a_password(alice: Page) -> None:
    alice.goto("/login.html")
    alice.get_by_label("Account name").fill("alice")
    alice.get_by_label("Password or private key").fill("not-the-password")
    alice.get_by_role("button", name="Log in").click()
    expect(alice.locator("#status")).to_have_text("Incorrect password or key for this account.")
    login(alice, "alice")
    expect(alice.locator("a.me")).to_have_text("@alice")
    stored = alice.evaluate("() => [sessionStorage.getItem('stoa.session'), localStorage.getItem('stoa.session')]")
    assert stored[0] is not None and '"name":"alice"' in stored[0] and stored[1] is None


def test_write_a_markdown_post_and_find_it(alice: Page, node: RunningNode) -> None:
    advance(node, 301)  # alice's demo post was within the 5-minute root post interval
    alice.goto("/submit.html")
    alice.get_by_label("Title").fill(POST_TITLE)
    alice.get_by_label("Body (markdown)").fill(BODY)
    alice.get_by_label("Tags", exact=False).fill("photos pets")
    alice.get_by_label("Rewards").select_option(label="Power Up 100%")
    alice.get_by_label("Beneficiaries", exact=False).fill("carol:10")
    expect(alice.locator("#preview strong")).to_have_text("bold")  # the live preview
    alice.reload()  # the draft was saved as it was typed
    expect(alice.get_by_label("Title")).to_have_value(POST_TITLE)
    expect(alice.locator(".draft-note")).to_have_text("Draft restored.")
    screenshot(alice, "editor")
    alice.get_by_role("button", name="Post").click()
    alice.wait_for_url(re.compile(r"/photos/@alice/cats-of-the-week-\d+$"))
    expect(alice.locator("article.post h1")).to_contain_text(POST_TITLE)
    body = alice.locator("article.post .body").first
    expect(body.locator("strong")).to_have_text("bold")
    expect(body.locator('img[src="https://images.example/cat.png"]')).to_have_count(1)
    expect(body.locator('a[href="/@bob"]')).to_have_text("@bob")
    expect(body.locator('a[href="/trending/caturday"]')).to_have_text("#caturday")
    alice.locator("article.post .payout-menu summary").click()
    expect(alice.locator("article.post .payout-menu")).to_contain_text("carol: 10.0%")
    expect(alice.locator("article.post h1 .powered")).to_have_attribute("title", "Powered Up 100%")
    assert alice.evaluate("() => localStorage.getItem('stoa.draft')") is None  # the draft is gone once posted
    assert "https://images.example/cat.png" in TRAFFIC[0].foreign  # seen (and refused) by the watch on hosts
    for listing in ("/created", "/created/photos", "/created/caturday"):
        alice.goto(listing)
        expect(alice.get_by_role("link", name=POST_TITLE)).to_be_visible()


def test_vote_from_another_account(bob: Page, node: RunningNode) -> None:
    login(bob, "bob")
    bob.goto(post_url(node))
    bob.locator("article.post").get_by_role("button", name="Upvote this post").click()
    bob.locator("form.vote-form input[type=range]").fill("60")
    expect(bob.locator("form.vote-form output")).to_have_text("60%")
    bob.locator("form.vote-form").get_by_role("button", name="Vote").click()
    expect(bob.locator("article.post details.voters summary")).to_have_text("1 vote")
    bob.locator("article.post details.voters summary").click()
    expect(bob.locator("article.post details.voters li")).to_have_text(["+ bob"])
    author, permlink = post_url(node).split("/@")[1].split("/")
    votes = node.call("condenser_api.get_active_votes", [author, permlink])
    assert [(v["voter"], v["percent"]) for v in votes] == [("bob", 6000)]


def test_reply(bob: Page, node: RunningNode) -> None:
    bob.goto(post_url(node))
    bob.locator("article.post").get_by_role("button", name="Reply").click()
    bob.get_by_label("Reply").fill("Lovely cats, *truly*.")
    bob.get_by_role("button", name="Post reply").click()
    comment = bob.locator("li.comment").first
    expect(comment.locator(".body em")).to_have_text("truly")
    expect(comment.locator(".comment-head a.author")).to_have_text("bob")


def comment_order(page: Page) -> list[str]:
    return [
        name.removeprefix("@").split("/")[0]
        for name in page.locator("#comments > ul > li.comment").evaluate_all("items => items.map(item => item.id)")
    ]


def test_sort_comments_each_way(bob: Page, node: RunningNode) -> None:
    url = post_url(node)
    author, permlink = url.split("/@")[1].split("/")
    advance(node, 4)
    broadcast(node, [Comment(author, permlink, "carol", "re-carol-cats", "", "Carol agrees.", "{}")], "carol")
    advance(node, 4)
    broadcast(node, [Comment(author, permlink, "alice", "re-alice-cats", "", "Thank you!", "{}")], "alice")
    bob_reply = node.call("condenser_api.get_content_replies", [author, permlink])[0]["permlink"]
    broadcast(node, [Vote("carol", "bob", bob_reply, 10000)], "carol")  # bob's reply: the biggest payout
    broadcast(node, [Vote("alice", "carol", "re-carol-cats", 100)], "alice")  # carol's: the most votes
    advance(node, 4)
    broadcast(node, [Vote("bob", "carol", "re-carol-cats", 100)], "bob")
    bob.goto(url)
    expect(bob.locator("#comments nav.sort .active")).to_have_text("Trending")
    assert comment_order(bob) == ["bob", "carol", "alice"]
    for label, expected in (("Votes", ["carol", "bob", "alice"]), ("Age", ["alice", "carol", "bob"])):
        bob.locator("#comments nav.sort").get_by_role("link", name=label).click()
        expect(bob.locator("#comments nav.sort .active")).to_have_text(label)
        assert comment_order(bob) == expected, label
    bob.locator("#comments nav.sort").get_by_role("link", name="Trending").click()
    assert comment_order(bob) == ["bob", "carol", "alice"]
    screenshot(bob, "post-with-comments")


def test_transfer_changes_both_wallets(alice: Page, bob: Page) -> None:
    bob.goto("/@bob/transfers")
    bob_before = figure(bob, "steem")
    alice.goto("/@alice/transfers")
    alice_before = figure(alice, "steem")
    alice.locator("#steem").get_by_role("button", name="Transfer").click()
    form = alice.locator("#transfer-form")
    form.get_by_label("To").fill("bob")
    form.get_by_label("Amount").fill("12.345")
    form.get_by_label("Memo").fill("for the cats")
    form.get_by_role("button", name="Send").click()
    expect(alice.locator("table.history")).to_contain_text("Transfer 12.345 STEEM from alice to bob — for the cats")
    assert figure(alice, "steem") == pytest.approx(alice_before - 12.345)
    bob.reload()
    assert figure(bob, "steem") == pytest.approx(bob_before + 12.345)
    screenshot(alice, "wallet")


def test_node_errors_reach_the_reader(alice: Page) -> None:
    alice.goto("/@alice/transfers")
    alice.locator("#steem").get_by_role("button", name="Transfer").click()
    form = alice.locator("#transfer-form")
    form.get_by_label("To").fill("bob")
    form.get_by_label("Amount").fill("999999")
    form.get_by_role("button", name="Send").click()
    expect(alice.locator("#status.error")).to_contain_text("transfer")
    assert "Traceback" not in status(alice)


def test_power_up_changes_steem_power(alice: Page) -> None:
    alice.goto("/@alice/transfers")
    power, steem = figure(alice, "steem-power"), figure(alice, "steem")
    alice.locator("#steem").get_by_role("button", name="Power Up").click()
    alice.locator("#power-up-form").get_by_label("Amount of STEEM").fill("100")
    alice.locator("#power-up-form").get_by_role("button", name="Power Up").click()
    expect(alice.locator("table.history")).to_contain_text("Power up 100.000 STEEM")
    assert figure(alice, "steem") == pytest.approx(steem - 100)
    assert figure(alice, "steem-power") == pytest.approx(power + 100, abs=0.01)


def test_follow_and_see_the_feed(alice: Page) -> None:
    alice.goto("/@alice/feed")
    expect(alice.get_by_role("link", name="Markets this week")).to_have_count(0)
    alice.goto("/@bob")
    alice.locator(".follow").get_by_role("button", name="Follow", exact=True).click()
    expect(alice.locator(".profile .followers")).to_have_text("2 followers")
    alice.goto("/@alice/feed")
    expect(alice.get_by_role("link", name="Markets this week")).to_be_visible()
    alice.goto("/@alice/followed")
    expect(alice.locator("ul.people")).to_contain_text("@bob")
    alice.goto("/@alice")
    screenshot(alice, "profile")


def test_edit_and_delete(alice: Page, node: RunningNode) -> None:
    alice.goto(post_url(node))
    alice.locator("article.post").get_by_role("link", name="Edit").click()
    alice.get_by_label("Body (markdown)").fill(BODY + "\n\nEdited: more cats.")
    alice.get_by_role("button", name="Update").click()
    alice.wait_for_url(re.compile(r"/photos/@alice/cats-of-the-week-\d+$"))
    expect(alice.locator("article.post .body").first).to_contain_text("Edited: more cats.")
    thanks = alice.locator('li.comment[data-permlink="re-alice-cats"]')
    thanks.get_by_role("button", name="Delete").click()
    expect(alice.locator("#comments")).not_to_contain_text("Thank you!")
    with pytest.raises(RuntimeError, match="does not exist"):
        node.call("condenser_api.get_content", ["alice", "re-alice-cats"])


def test_resteem_and_downvote(bob: Page, node: RunningNode) -> None:
    advance(node, 4)
    bob.goto(post_url(node))
    with bob.expect_navigation():  # the page reloads once the block has it
        bob.locator("article.post").get_by_role("button", name="Resteem").click()
    carol = bob.locator('li.comment[data-permlink="re-carol-cats"]')
    carol.get_by_role("button", name="Downvote").click()
    carol.locator("form.vote-form").get_by_role("button", name="Vote").click()
    expect(bob.locator('li.comment[data-permlink="re-carol-cats"] .low')).to_have_text(
        "Will be hidden due to low rating"
    )
    bob.goto("/@bob")
    expect(bob.locator(".summary", has_text=POST_TITLE).locator(".reblog")).to_have_text("reblogged by bob")


def test_unfollow_and_mute(alice: Page, node: RunningNode) -> None:
    alice.goto("/@bob")
    alice.locator(".follow").get_by_role("button", name="Unfollow").click()
    expect(alice.locator(".profile .followers")).to_have_text("1 follower")
    with alice.expect_navigation():
        alice.locator(".follow").get_by_role("button", name="Mute").click()
    relation = node.call("bridge.get_relationship_between_accounts", ["alice", "bob"])
    assert relation["ignores"] and not relation["follows"]


def test_delegate_and_power_down(alice: Page) -> None:
    alice.goto("/@alice/transfers")
    alice.locator("#steem-power").get_by_role("button", name="Delegate").click()
    form = alice.locator("#delegate-form")
    form.get_by_label("To").fill("carol")
    form.get_by_label("Amount of STEEM POWER").fill("10")
    form.get_by_role("button", name="Delegate").click()
    expect(alice.locator("#steem-power .delegation")).to_have_text("(-10.000 STEEM)")
    alice.locator("#steem-power").get_by_role("button", name="Power Down").click()
    expect(alice.locator("#power-down-form")).to_contain_text("Power down pays out in 13 weekly payments.")
    alice.locator("#power-down-form").get_by_label("Amount of STEEM POWER").fill("39")
    alice.locator("#power-down-form").get_by_role("button", name="Power Down").click()
    expect(alice.locator("#steem-power")).to_contain_text("The next power down is in 7 days (3.000 STEEM).")


def test_private_key_login_and_role_checks(bob: Page) -> None:
    from stoa.demo import key

    bob.locator("header").get_by_role("button", name="Log out").click()
    expect(bob.locator("a.logged-out")).to_be_visible()
    bob.goto("/login.html")
    bob.get_by_label("Account name").fill("bob")
    bob.get_by_label("Password or private key").fill(key("bob", "posting").wif())
    bob.get_by_label("Remember me", exact=False).check()
    bob.get_by_role("button", name="Log in").click()
    bob.wait_for_url("**/@bob/feed")
    stored = bob.evaluate("() => [sessionStorage.getItem('stoa.session'), localStorage.getItem('stoa.session')]")
    assert stored[0] is None and '"posting":"5' in stored[1] and '"active"' not in stored[1]
    bob.goto("/@bob/transfers")
    bob.locator("#steem").get_by_role("button", name="Transfer").click()
    bob.locator("#transfer-form").get_by_label("To").fill("alice")
    bob.locator("#transfer-form").get_by_label("Amount").fill("1")
    bob.locator("#transfer-form").get_by_role("button", name="Send").click()
    expect(bob.locator("#status")).to_have_text("This needs your active key: log in with your password or active key.")
    bob.goto("/login.html")
    bob.get_by_label("Account name").fill("bob")
    bob.get_by_label("Password or private key").fill(key("bob", "memo").wif())
    bob.get_by_role("button", name="Log in").click()
    expect(bob.locator("#status")).to_have_text("Incorrect password or key for this account.")


def test_reading_without_javascript(browser: Browser, node: RunningNode) -> None:
    context = browser.new_context(base_url=node.url.rstrip("/"), java_script_enabled=False)
    page = context.new_page()
    page.goto("/created")
    page.get_by_role("link", name=POST_TITLE).click()
    expect(page.locator("article.post h1")).to_contain_text(POST_TITLE)
    expect(page.locator("#comments li.comment").first).to_be_visible()
    page.locator("#comments nav.sort").get_by_role("link", name="Age").click()
    expect(page.locator("#comments nav.sort .active")).to_have_text("Age")
    expect(page.get_by_role("button", name="Upvote this post")).to_be_hidden()  # actions need the scripts
    first = page.locator("#comments li.comment").first
    first.locator("summary.comment-head").click(position={"x": 5, "y": 5})  # collapse, no script needed
    expect(first.locator(".body").first).to_be_hidden()
    context.close()


def test_list_page_night_mode_and_keyboard(alice: Page) -> None:
    alice.goto("/created")
    alice.keyboard.press("Tab")
    expect(alice.locator("a.skip")).to_be_focused()
    alice.get_by_role("button", name="Toggle night mode").focus()
    alice.keyboard.press("Enter")
    assert alice.evaluate("() => document.documentElement.dataset.theme") == "dark"
    alice.reload()
    assert alice.evaluate("() => document.documentElement.dataset.theme") == "dark"
    screenshot(alice, "list-night")
    alice.get_by_role("button", name="Toggle night mode").click()
    screenshot(alice, "list")


def test_payout_and_redeem_rewards(alice: Page, node: RunningNode) -> None:
    url = post_url(node)
    author, permlink = url.split("/@")[1].split("/")
    signed(node, [Vote("initminer", author, permlink, 10000)], PrivateKey.from_wif(INIT_WIF))  # a big stake
    alice.goto(url)
    menu = alice.locator("article.post .payout-menu")
    menu.locator("summary").click()
    expect(menu).to_contain_text("Pending payout amount: $")
    expect(menu).to_contain_text("Breakdown:")
    comment = node.call("database_api.find_comments", {"comments": [[author, permlink]]})["comments"][0]
    node.call("debug_node_api.debug_generate_blocks_until", {"head_block_time": comment["cashout_time"]})
    node.call("debug_node_api.debug_generate_blocks", {"count": 1})
    alice.reload()
    alice.locator("article.post .payout-menu summary").click()
    expect(menu).to_contain_text("Past Payouts $")
    alice.goto("/@alice/transfers")
    power = figure(alice, "steem-power")
    alice.get_by_role("button", name="Redeem Rewards (Transfer to Balance)").click()
    expect(alice.locator(".rewards")).to_have_count(0)
    assert figure(alice, "steem-power") > power
    expect(alice.locator("table.history")).to_contain_text("Claim rewards:")


PHONE = {"width": 375, "height": 700}


def test_narrow_screens(browser: Browser, node: RunningNode) -> None:
    """On a phone-sized viewport the list and post pages (logged out, then logged in with the longer
    header) never scroll sideways, show one column with the sidebar below it, and keep the site's
    navigation on screen and usable; screenshots in test-artifacts/phone-*.png."""
    traffic = Traffic()
    TRAFFIC.append(traffic)
    phone = open_context(browser, node, traffic, **PHONE).new_page()
    post = post_url(node)

    def check(path: str, links: tuple[str, ...], name: str) -> None:
        phone.goto(path)
        assert phone.evaluate("() => window.innerWidth") == PHONE["width"]
        wide = phone.evaluate("() => document.scrollingElement.scrollWidth")
        assert wide <= PHONE["width"], (path, wide, overflowing(phone))
        primary, sidebar = (phone.locator(f".columns > {part}").bounding_box() for part in (".primary", ".sidebar"))
        assert primary is not None and sidebar is not None, path
        assert primary["width"] >= 0.8 * PHONE["width"], (path, primary)  # one column, not a squeezed pair
        assert sidebar["y"] >= primary["y"] + primary["height"], (path, primary, sidebar)  # the sidebar below
        header = phone.locator("header.top")
        for link in links:
            expect(header.get_by_role("link", name=link, exact=True)).to_be_in_viewport()
        expect(header.get_by_role("button", name="Toggle night mode")).to_be_in_viewport()
        screenshot(phone, name)

    lists = ("Stoa", "Trending", "Hot", "New", "Tags")
    check("/created", (*lists, "Log in"), "phone-list")
    check(post, (*lists, "Log in"), "phone-post")
    login(phone, "bob")
    check("/trending", (*lists, "Submit a story", "@bob", "Wallet"), "phone-list-logged-in")
    check(post, (*lists, "Submit a story", "@bob", "Wallet"), "phone-post-logged-in")
    expect(phone.locator("article.post h1")).to_contain_text(POST_TITLE)
    phone.locator("header.top").get_by_role("link", name="New", exact=True).click()  # the nav still works
    phone.wait_for_url("**/created")
    expect(phone.locator("nav.sorts .active")).to_have_text("New")
    phone.context.close()


def overflowing(page: Page) -> list[str]:
    """What sticks out past the right edge of the viewport (for the failure message)."""
    script = """() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
            + ' ' + Math.round(e.getBoundingClientRect().right))"""
    found: list[str] = page.evaluate(script)
    return found


def test_no_request_ever_carries_a_password_or_key() -> None:
    hidden = secrets()
    requests = [request for traffic in TRAFFIC for request in traffic.requests]
    assert len(requests) > 50 and any("broadcast_transaction" in (r.post_data or "") for r in requests)
    assert leaks(requests, hidden) == []
    assert all(not traffic.dialogs or all(d.startswith("confirm") for d in traffic.dialogs) for traffic in TRAFFIC)
