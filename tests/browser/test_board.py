"""The board in a real browser: the notification inside a post's comment thread on the site, its badge
leading to the Board of Honor on the board's own port, and that page's badges drawn as SVG."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from ..board.conftest import BoardProcess
from ..integration.conftest import RunningNode
from .conftest import screenshot


@pytest.fixture(scope="module")
def board(node: RunningNode, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    process = BoardProcess(tmp_path_factory.mktemp("board"), node.url).start("--network-name", "Stoa")
    yield process
    process.stop()


@pytest.fixture
def page(browser: Browser, node: RunningNode) -> Iterator[Page]:
    context = browser.new_context(base_url=node.url.rstrip("/"), viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


def wait_for_notification(node: RunningNode, board: BoardProcess) -> str:
    """The permlink of the board's reply to alice's demo post, once the board has sent it."""
    for _ in range(300):
        replies = node.call("condenser_api.get_content_replies", ["alice", "welcome-to-stoa"])
        mine = [reply["permlink"] for reply in replies if reply["author"] == "steemitboard"]
        if mine:
            return mine[0]
        assert board.status()["failed"] == 0
        time.sleep(0.1)
    pytest.fail(f"no notification: {board.log[-2000:]}")


def test_the_notification_in_the_thread_leads_to_the_board_of_honor(
    page: Page, node: RunningNode, board: BoardProcess
) -> None:
    permlink = wait_for_notification(node, board)
    page.goto("/news/@alice/welcome-to-stoa")
    notification = page.locator(f'li.comment[id="@steemitboard/{permlink}"]')
    expect(notification).to_contain_text(
        "Congratulations @alice! You have completed some achievement on Stoa and have been rewarded with new badge(s) :"
    )
    expect(notification).to_contain_text("You made your First Post")
    expect(notification).to_contain_text("reply to this comment with the word STOP")
    screenshot(page, "board-notification")
    with page.context.expect_page() as opened:  # the site opens links to other hosts in a new tab
        notification.locator(f'a[href="{board.url}/@alice"]').first.click()
    page = opened.value
    page.wait_for_load_state()
    assert page.url == f"{board.url}/@alice"
    expect(page.get_by_role("heading", level=1)).to_have_text("Board of Honor of @alice")
    first_post = page.locator("tr#firstpost")
    expect(first_post).to_contain_text("You made your First Post")
    expect(first_post.locator("time")).to_have_count(1)
    image = first_post.locator("img")
    expect(image).to_have_attribute("src", f"{board.url}/badges/firstpost-1.svg")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 70  # the SVG the board drew
    expect(page.locator("tr#posts progress")).to_have_attribute("max", "5")
    screenshot(page, "board-of-honor")
