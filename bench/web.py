"""Benchmark: server render time of the site's pages and the bytes a browser downloads (issue 6).

The network is bench/api.py's synthetic one at `--scale` (default 0.01: 1,000 accounts, 10,000 posts
and comments, 100,000 votes), built by the bulk loader, plus one root post with a 500-comment thread
(random nesting, 0-30 votes per comment). Measured in process, through the site's own handlers
(the index read, the thread sort and tree, Jinja2 with autoescape; no HTTP):

- the post page of the 500-comment thread (target p50 <= 30 ms),
- /trending (target p50 <= 15 ms),
- and, for scale, /trending in the first render after a block (its sidebar's trending tags are
  worked out once per block), the post page of api.py's 2,000-comment thread and /created.

Then the bytes shipped: each page's HTML and the CSS and JavaScript it loads, raw and gzipped (the
node sends dsteem's bundle gzipped when the browser accepts it).

Prints one JSON line per figure, each with two references measured in the same run: the raw Jinja2
render rate of a trivial template and the raw libsecp256k1 recover rate (coincurve).

    .venv/bin/python bench/web.py [--scale 0.01] [--budget 5]
"""

from __future__ import annotations

import argparse
import gzip
import math
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment
from starlette.requests import Request

from stoa.api.reads import ChainReader
from stoa.chain.node import Node
from stoa.chain.state import connect
from stoa.index.bulk import load
from stoa.index.ingest import ingest
from stoa.web.site import VENDOR, Site
from stoa.web.templating import HERE

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import Plan, build_network, log, sentence, summary
from workload import raw_recover_rate

THREAD = 500
ROOT = ("user1", "five-hundred")
TARGETS_MS = {"post_500_comments": 30.0, "trending": 15.0}
STATIC = ("site.css", "stoa.js", "site.js")


def add_thread(data_dir: Path, names: list[str], seed: int) -> None:
    """A root post and THREAD comments under it (each replying to the root or an earlier comment)."""
    rng = random.Random(seed)
    node = Node(data_dir, block_mode="manual")
    now = node.state.dgp().time
    node.stop()
    author, permlink = ROOT
    posts = [(author, permlink, "", "harbour", "Five hundred comments", sentence(rng, 80), '{"tags":["harbour"]}', now)]
    keys = [ROOT]
    for n in range(THREAD):
        parent = keys[0] if rng.random() < 0.3 else rng.choice(keys)
        reply = (rng.choice(names), f"re-{n}")
        body = f"{sentence(rng, rng.randint(8, 40))}\n\n**{sentence(rng, 3)}** @{rng.choice(names)}"
        posts.append((*reply, *parent, "", body, "{}", now - THREAD + n))
        keys.append(reply)
    votes = []
    for voted_author, voted_permlink in keys:
        for voter in rng.sample(names, rng.randint(0, 30)):
            rshares = int(rng.lognormvariate(math.log(2e9), 1.5)) * (-1 if rng.random() < 0.03 else 1)
            votes.append((voter, voted_author, voted_permlink, 10000, rshares, abs(rshares) // 1000, 1_000, now))
    db = connect(data_dir / "state.db")
    load(db, posts=posts, votes=votes)
    db.close()


def request(path: str, params: dict[str, str]) -> Request:
    return Request({"type": "http", "method": "GET", "path": path, "path_params": params, "query_string": b""})


def timed_pages(site: Site, pages: dict[str, tuple[Any, str, dict[str, str]]], budget: float) -> dict[str, Any]:
    """Milliseconds per render of each page, after a warm-up render; and the HTML of each."""
    results = {}
    for name, (handler, path, params) in pages.items():
        first = handler(request(path, params))
        assert first.status_code == 200, (name, first.body[:300])
        samples: list[float] = []
        deadline = time.perf_counter() + budget
        while len(samples) < 20 or (time.perf_counter() < deadline and len(samples) < 2000):
            started = time.perf_counter()
            handler(request(path, params))
            samples.append((time.perf_counter() - started) * 1000)
        results[name] = {"ms": summary(samples), "html": bytes(first.body)}
        log(f"  {name}: {results[name]['ms']}")
    return results


def uncached(site: Site, request: Any) -> Any:
    """/trending right after a new block: the sidebar's trending tags are worked out again."""
    site.tags = (-1, [])
    return site.posts_list(request)


def jinja_rate(samples: int = 20_000) -> float:
    """Renders per second of a trivial autoescaped template, on this core, now."""
    template = Environment(autoescape=True).from_string("<p>{{ name }} wrote {{ count }} posts</p>")
    start = time.perf_counter()
    for n in range(samples):
        template.render(name="<alice>", count=n)
    return samples / (time.perf_counter() - start)


def static_bytes() -> dict[str, dict[str, int]]:
    """Each stylesheet and script a page loads: raw and gzipped bytes."""
    files = {name: HERE / "static" / name for name in STATIC} | dict(VENDOR)
    return {
        name: {"raw": len(data), "gzip": len(gzip.compress(data, 6))}
        for name, data in ((name, path.read_bytes()) for name, path in files.items())
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01, help="of bench/api.py's full network")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--budget", type=float, default=5.0, help="seconds of renders per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "net"
        built = build_network(data_dir, Plan.at(args.scale, args.seed))
        add_thread(data_dir, [f"user{n}" for n in range(Plan.at(args.scale, args.seed).accounts)], args.seed)
        references = {"jinja_renders_per_s": round(jinja_rate()), "recover_per_s": round(raw_recover_rate())}
        node = Node(data_dir, block_mode="manual", consumers=[ingest])
        site = Site(ChainReader(node))
        big_author, big_permlink = built["thread"]
        pages = {
            "post_500_comments": (site.post_page, "", {"category": "harbour", "author": ROOT[0], "permlink": ROOT[1]}),
            "trending": (site.posts_list, "/trending", {"sort": "trending"}),
            "trending_new_block": (lambda r: uncached(site, r), "/trending", {"sort": "trending"}),
            "created": (site.posts_list, "/created", {"sort": "created"}),
            "post_2000_comments": (
                site.post_page,
                "",
                {"category": "", "author": big_author, "permlink": big_permlink},
            ),
        }
        category = node.state.db.execute(
            "SELECT category FROM posts WHERE author = ? AND permlink = ?", (big_author, big_permlink)
        ).fetchone()[0]
        pages["post_2000_comments"][2]["category"] = category
        log("rendering")
        results = timed_pages(site, pages, args.budget)
        node.stop()
    assets = static_bytes()
    for name, result in results.items():
        html = result["html"]
        line = {
            "bench": "web",
            "figure": f"render_{name}",
            "unit": "ms per render, in process (index read + thread + Jinja2)",
            **result["ms"],
            "html_bytes": len(html),
            "html_gzip_bytes": len(gzip.compress(html, 6)),
            **(
                {"target_p50_ms": TARGETS_MS[name], "met": result["ms"]["p50"] <= TARGETS_MS[name]}
                if name in TARGETS_MS
                else {}
            ),
            "network": {"scale": args.scale, "posts_and_comments": built["rows"]["posts"] + THREAD + 1},
            "references": references,
        }
        print(orjson.dumps(line).decode(), flush=True)
    shipped = {
        "bench": "web",
        "figure": "bytes_shipped_per_page_load",
        "unit": "bytes (raw, gzip)",
        "css": assets["site.css"],
        "js": {name: assets[name] for name in assets if name.endswith(".js")},
        "js_total": {k: sum(assets[n][k] for n in assets if n.endswith(".js")) for k in ("raw", "gzip")},
        "html": {name: len(result["html"]) for name, result in results.items()},
        "references": references,
    }
    print(orjson.dumps(shipped).decode(), flush=True)


if __name__ == "__main__":
    main()
