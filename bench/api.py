"""Benchmark: the social read API on a synthetic network (issue 5).

The network: 100,000 accounts, 1,000,000 posts and comments (a quarter of them root posts, plus one
thread of 2,000 comments) and 10,000,000 votes, written by the bulk loader (`stoa.index.bulk`), which
writes what applying the blocks would. `--scale 0.1` makes every count but the thread's ten times
smaller. Everything comes from one seeded random generator:

- posts over the 7 days before the dev network's genesis head (all still pending payout), authors
  drawn by a lognormal activity; replies go to recent posts and comments, so threads nest;
- bodies of 150-450 characters of markdown with an @mention, a link and a list, drawn from 1,000
  root and 1,000 reply templates (the loader renders each distinct body once; rows still hold
  their own title, permlink and rendered HTML), tags from 300 with a Zipf popularity;
- votes per post lognormal (median about 16 on a root post, capped at 2,000), fewer on posts less
  than two days old, voters distinct per post, rshares from a lognormal stake, 3 % downvotes;
- follows about 16 per account, towards active authors; reblogs 100,000, of popular posts;
- the chain's `accounts`, `comments` and `reputations` rows the API joins, so profiles resolve
  and every LEFT JOIN finds its row, as on a live chain.

Measured: p50 and p99 of bridge.get_ranked_posts (trending, created, hot; all posts and a popular
tag), bridge.get_discussion on the 2,000-comment thread, bridge.get_account_posts sort=feed for
followers picked at random, and condenser_api.get_content of random posts and comments (and of
random root posts alone). First in process (the node's dispatcher, `handle_body`, bytes in and
out), then over HTTP against `stoa run` (uvicorn, one worker process, Starlette's thread pool: the
default setup) with a keep-alive httpx client; then requests per second over HTTP from 16 client
threads. Targets: p50 <= 5 ms and p99 <= 25 ms in process for the ranked lists and get_content.

Prints one JSON line beside the raw libsecp256k1 recover rate measured in the same run and
hivemind's published medians (docs: ../shared/reference/hivemind.md §4, anchors.md §1.3).

    .venv/bin/python bench/api.py [--scale 0.1] [--data-dir DIR]   # DIR is kept and reused
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from stoa.api.app import build_dispatcher
from stoa.chain.genesis import init_data_dir
from stoa.chain.node import Node
from stoa.chain.objects import new_account
from stoa.chain.state import ACCOUNTS, COMMENTS, connect
from stoa.index.bulk import FollowRow, PostRow, ReblogRow, load
from stoa.index.ingest import ingest
from stoa.index.schema import create
from stoa.protocol import Authority, PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workload import raw_recover_rate

FULL_ACCOUNTS = 100_000
FULL_POSTS = 1_000_000
FULL_VOTES = 10_000_000
FULL_REBLOGS = 100_000
THREAD_COMMENTS = 2_000
ROOT_SHARE = 0.25
VOTE_CAP = 2_000
TEMPLATES = 1_000
TAGS = 300
WEEK = 7 * 24 * 3600
CLIENTS = 16
TARGET_P50_MS = 5.0
TARGET_P99_MS = 25.0
MARKER = "bench-api.json"
MANUAL = ("--block-mode", "manual")  # the node serves reads and never produces a block

WORDS = tuple(
    " ".join(
        (
            "harbour tide market river garden winter summer coffee bridge street music paint island station",
            "mountain forest lantern bakery library signal orbit pixel cabin meadow canyon ember frost atlas",
            "velvet copper willow falcon prairie harvest compass voyage quartz tundra lagoon thunder",
            "saffron cobalt juniper marble sparrow timber orchard glacier ferry beacon",
        )
    ).split()
)
DOMAINS = ("example.com", "example.org", "news.example.net", "blog.example.io", "photos.example.com")

# hivemind's published figures (hivemind.md §4, anchors.md §1.3), in milliseconds.
PUBLISHED = {
    "source": "shared/reference/hivemind.md §4 and anchors.md §1.3",
    "hivemind_python_server_full_sync_block_50.23M_medians_ms": {
        "note": "openhive tests/benchmarks/00.221dd70b_full, 4,140 calls; Postgres, full Hive history",
        "bridge.get_ranked_posts": 207,
        "bridge.get_ranked_posts_p90": 438,
        "bridge.get_account_posts": 129,
        "bridge.get_discussion": 139,
        "condenser_api.get_content": 8,
        "all_calls": 129,
        "all_calls_p90": 283,
    },
    "hivemind_7f179197_benchmark_ms": {"median": 39, "p90": 199, "p99": 3200, "bridge_median": 43},
    "hive_blog_production_old_python_server_medians_ms": {
        "bridge.get_ranked_posts": 862,
        "bridge.get_account_posts": 897,
        "bridge.get_discussion": 206,
    },
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the synthetic network ----------------------------------------------------------------------


@dataclass
class Plan:
    scale: float
    seed: int
    accounts: int
    posts: int
    votes: int
    reblogs: int

    @classmethod
    def at(cls, scale: float, seed: int) -> Plan:
        return cls(
            scale,
            seed,
            round(FULL_ACCOUNTS * scale),
            round(FULL_POSTS * scale),
            round(FULL_VOTES * scale),
            round(FULL_REBLOGS * scale),
        )


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def templates(rng: random.Random, names: list[str], tag_weights: list[float], tags: list[str]) -> tuple[list, list]:
    """(body, json_metadata, category) for root posts and (body, json_metadata) for replies."""
    roots = []
    for i in range(TEMPLATES):
        chosen: list[str] = []
        while len(chosen) < 3:
            tag = rng.choices(tags, weights=tag_weights)[0]
            if tag not in chosen:
                chosen.append(tag)
        metadata: dict[str, Any] = {"tags": chosen, "app": "stoa-bench/1", "format": "markdown"}
        if i % 3 == 0:
            metadata["image"] = [f"https://images.example.com/{i}.jpg"]
        body = (
            f"## {sentence(rng, 4)}\n\n{sentence(rng, 9)}. Spent the morning with @{rng.choice(names)} at the"
            f" [{rng.choice(WORDS)} {rng.choice(WORDS)}](https://{rng.choice(DOMAINS)}/{rng.choice(WORDS)}/{i})"
            f" and {sentence(rng, 6).lower()}.\n\n- the **{rng.choice(WORDS)}** {sentence(rng, 4).lower()}\n"
            f"- {sentence(rng, 6).lower()}\n- see https://{rng.choice(DOMAINS)}/p/{i} for more\n\n"
            f"{sentence(rng, 12)}, and thanks to everyone who commented last time."
        )
        roots.append((body, orjson.dumps(metadata).decode(), chosen[0]))
    replies = []
    for i in range(TEMPLATES):
        body = (
            f"Thanks @{rng.choice(names)}! {sentence(rng, 8)}. Have you seen"
            f" [this one](https://{rng.choice(DOMAINS)}/{rng.choice(WORDS)}/{i})? *{sentence(rng, 5)}*."
        )
        replies.append((body, '{"app":"stoa-bench/1","format":"markdown"}'))
    return roots, replies


@dataclass
class Network:
    names: list[str]
    posts: list[PostRow]
    votes_per_post: list[int]
    stake: list[int]
    follows: list[FollowRow]
    reblogs: list[ReblogRow]
    thread: tuple[str, str]
    start: int
    end: int
    top_tags: list[str]


def synthesize(plan: Plan, end: int) -> Network:
    rng = random.Random(plan.seed)
    names = [f"user{i}" for i in range(plan.accounts)]
    activity = list(itertools.accumulate(rng.lognormvariate(0, 1.5) for _ in names))
    stake = [int(rng.lognormvariate(math.log(5e9), 2.0)) for _ in names]
    tags = [f"{a}{b}" if b else a for a, b in itertools.islice(itertools.product(WORDS, ["", *WORDS]), TAGS)]
    tag_weights = [1 / (rank + 1) for rank in range(TAGS)]
    root_templates, reply_templates = templates(rng, names, tag_weights, tags)
    start = end - WEEK + 3600

    general = plan.posts - THREAD_COMMENTS - 1
    times = sorted(rng.randrange(start, end - 60) // 3 * 3 for _ in range(general))
    authors = rng.choices(names, cum_weights=activity, k=general)
    posts: list[PostRow] = []
    roots: list[int] = []
    replies: list[int] = []
    for i, (now, author) in enumerate(zip(times, authors, strict=True)):
        if not roots or rng.random() < ROOT_SHARE:
            body, metadata, category = root_templates[rng.randrange(TEMPLATES)]
            title = sentence(rng, rng.randrange(3, 9))
            permlink = "-".join(title.lower().split()[:4]) + f"-{i}"
            roots.append(len(posts))
            posts.append(PostRow(author, permlink, "", category, title, body, metadata, now))
            continue
        pool = replies if replies and rng.random() < 0.4 else roots
        parent = posts[pool[-1 - min(int(rng.expovariate(1 / 3000)), len(pool) - 1)]]
        body, metadata = reply_templates[rng.randrange(TEMPLATES)]
        replies.append(len(posts))
        posts.append(
            PostRow(author, f"re-{parent.author}-{i}", parent.author, parent.permlink, "", body, metadata, now)
        )

    # One thread of 2,000 comments under a post of an active author, from 30 % into the window on.
    thread_time = (start + (end - start) * 3 // 10) // 3 * 3
    body, metadata, category = root_templates[0]
    thread_root = PostRow(names[0], "the-big-thread", "", category, "The big thread", body, metadata, thread_time)
    thread = [thread_root]
    for i, now in enumerate(sorted(rng.randrange(thread_time + 3, end - 60) // 3 * 3 for _ in range(THREAD_COMMENTS))):
        parent = thread[0] if len(thread) == 1 or rng.random() < 0.25 else thread[rng.randrange(1, len(thread))]
        body, metadata = reply_templates[rng.randrange(TEMPLATES)]
        author = rng.choice(names)
        thread.append(PostRow(author, f"re-thread-{i}", parent.author, parent.permlink, "", body, metadata, now))
    everything = sorted(posts + thread, key=lambda row: row.time)  # stable: parents stay before replies

    weights = []
    for post in everything:
        age = min(1.0, (end - post.time) / (2 * 86400))
        if post is thread_root:
            weights.append(0.0)
        elif not post.parent_author:
            weights.append(rng.lognormvariate(0, 1.2) * age)
        else:
            weights.append(0.08 * rng.lognormvariate(0, 1.0) * age)
    cap = min(VOTE_CAP, plan.accounts // 2)
    budget = plan.votes - min(800, cap)
    total = sum(weights)
    counts = [min(cap, int(budget * w / total)) for w in weights]
    counts[everything.index(thread_root)] = min(800, cap)
    missing = plan.votes - sum(counts)
    while missing > 0:
        index = rng.randrange(len(counts))
        if counts[index] < cap:
            counts[index] += 1
            missing -= 1

    follows = []
    for follower in range(plan.accounts):
        count = min(int(rng.lognormvariate(math.log(8), 1.2)), 2000)
        seen = set()
        for following in rng.choices(range(plan.accounts), cum_weights=activity, k=count):
            if following != follower and following not in seen:
                seen.add(following)
                what = ("ignore",) if rng.random() < 0.01 else ("blog",)
                follows.append(FollowRow(names[follower], names[following], what, start - rng.randrange(30 * 86400)))

    root_indexes = [i for i, post in enumerate(everything) if not post.parent_author]
    popularity = list(itertools.accumulate(counts[i] + 1 for i in root_indexes))
    reblogs = []
    for index, account in zip(
        rng.choices(root_indexes, cum_weights=popularity, k=plan.reblogs),
        rng.choices(names, cum_weights=activity, k=plan.reblogs),
        strict=True,
    ):
        post = everything[index]
        reblogs.append(ReblogRow(account, post.author, post.permlink, post.time + rng.randrange(end - post.time)))
    reblogs.sort(key=lambda row: row.time)
    return Network(
        names,
        everything,
        counts,
        stake,
        follows,
        reblogs,
        (thread_root.author, thread_root.permlink),
        start,
        end,
        tags[:5],
    )


def vote_rows(net: Network, seed: int) -> Iterator[tuple[str, str, str, int, int, int, int, int]]:
    """Each post's votes in the order they were cast, with what effective_comment_vote would say."""
    rng = random.Random(seed + 1)
    names, stake, end = net.names, net.stake, net.end
    accounts = range(len(names))
    for post, count in zip(net.posts, net.votes_per_post, strict=True):
        if not count:
            continue
        span = max(end - post.time - 3, 1)
        times = sorted(post.time + 3 + rng.randrange(span) for _ in range(count))
        net_rshares = 0
        for voter, now in zip(rng.sample(accounts, count), times, strict=True):
            roll = rng.random()
            percent = (
                10000
                if roll < 0.72
                else 5000
                if roll < 0.84
                else -10000
                if roll < 0.87
                else rng.randrange(100, 10000, 100)
            )
            rshares = stake[voter] * percent // 10000
            net_rshares += rshares
            # curation weight and pending payout (SBD satoshis, ~1 SBD per 10^12 net rshares): plausible sizes
            yield (
                names[voter],
                post.author,
                post.permlink,
                percent,
                rshares,
                max(rshares, 0) >> 12,
                max(net_rshares, 0) // 1_000_000_000,
                now,
            )


def build_network(data_dir: Path, plan: Plan) -> dict[str, Any]:
    """A dev network whose state holds the synthetic network; returns what was built."""
    init_data_dir(data_dir, dev=True)
    node = Node(data_dir, block_mode="manual")
    end = node.state.dgp().time
    base_account_id = node.state.next_id(ACCOUNTS)
    node.stop()
    log(f"synthesizing {plan}")
    started = time.perf_counter()
    net = synthesize(plan, end)
    synthesized = time.perf_counter() - started
    log(f"synthesized {len(net.posts)} posts, {len(net.follows)} follows, {len(net.reblogs)} reblogs")
    log(f"  in {synthesized:.0f} s")

    db = connect(data_dir / "state.db")
    create(db)
    key = Authority.single_key(PrivateKey.from_password("bench", "posting", "bench").public_key)
    memo = PrivateKey.from_password("bench", "memo", "bench").public_key
    created = net.start - 60 * 86400
    rng = random.Random(plan.seed + 2)
    db.execute("BEGIN IMMEDIATE")
    db.executemany(
        ACCOUNTS.sql_insert,
        (
            ACCOUNTS.row(
                new_account(
                    name,
                    base_account_id + i,
                    key,
                    key,
                    key,
                    str(memo),
                    orjson.dumps({"profile": {"name": f"User {i}", "about": sentence(rng, 6)}}).decode(),
                    created,
                    "initminer",
                )
            )
            for i, name in enumerate(net.names)
        ),
    )
    db.executemany(
        "INSERT INTO reputations (account, reputation) VALUES (?, ?)",
        ((name, int(rng.lognormvariate(math.log(3e11), 1.5))) for name in net.names),
    )
    db.execute("COMMIT")

    stages: dict[str, int] = {}

    def progress(stage: str, done: int) -> None:
        if done // 100_000 != stages.get(stage, -1):
            stages[stage] = done // 100_000
            log(f"  {stage}: {done}")

    log("bulk loading the index")
    started = time.perf_counter()
    loaded = load(
        db,
        accounts=((name, created, "") for name in net.names),
        posts=net.posts,
        votes=vote_rows(net, plan.seed),
        follows=net.follows,
        reblogs=net.reblogs,
        progress=progress,
    )
    load_seconds = time.perf_counter() - started
    log(f"loaded in {load_seconds:.0f} s: {loaded}")

    # The chain's comment rows for the same posts (their payout fields are what the API joins).
    started = time.perf_counter()
    columns = ", ".join(COMMENTS.columns)
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        f"INSERT INTO comments ({columns}) SELECT p.author, p.permlink, p.id - 1, p.parent_author, p.parent_permlink,"
        " p.category, p.root_author, p.root_permlink, p.depth, p.children, p.created, p.updated, p.active, 0,"
        " p.payout_at, p.net_rshares, p.abs_rshares, (p.net_rshares + p.abs_rshares) / 2, COALESCE(v.weight, 0),"
        " p.net_votes, 10000, p.max_accepted_payout, p.percent_steem_dollars, 1, 1, 1, '[]', 0, 0, 0"
        " FROM posts p LEFT JOIN (SELECT post_id, SUM(weight) AS weight FROM post_votes GROUP BY post_id) v"
        " ON v.post_id = p.id ORDER BY p.id"
    )
    db.execute("COMMIT")
    chain_seconds = time.perf_counter() - started
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    built = {
        "plan": asdict(plan),
        "thread": list(net.thread),
        "top_tags": net.top_tags,
        "rows": asdict(loaded),
        "load_seconds": round(load_seconds, 1),
        "synthesize_seconds": round(synthesized, 1),
        "chain_comments_seconds": round(chain_seconds, 1),
    }
    (data_dir / MARKER).write_bytes(orjson.dumps(built))
    return built


# --- measuring ----------------------------------------------------------------------------------


def body(method: str, params: Any) -> bytes:
    return orjson.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})


def request_sets(db_path: Path, built: dict[str, Any], seed: int) -> dict[str, list[bytes]]:
    """The requests of each kind, varied where the API takes an argument."""
    db = connect(db_path, readonly=True)
    rng = random.Random(seed + 3)
    high = db.execute("SELECT MAX(id) FROM posts").fetchone()[0]
    ids = rng.sample(range(1, high + 1), min(500, high))
    contents = db.execute(f"SELECT author, permlink FROM posts WHERE id IN ({','.join(map(str, ids))})").fetchall()
    roots = db.execute(
        "SELECT author, permlink FROM posts WHERE depth = 0 AND id IN"
        f" ({','.join(map(str, rng.sample(range(1, high + 1), min(4000, high))))}) LIMIT 500"
    ).fetchall()
    following = [row[0] for row in db.execute("SELECT DISTINCT follower FROM follows WHERE state = 1")]
    followers = rng.sample(following, min(200, len(following)))
    db.close()
    author, permlink = built["thread"]
    sets: dict[str, list[bytes]] = {}
    for sort in ("trending", "created", "hot"):
        sets[f"ranked_{sort}"] = [body("bridge.get_ranked_posts", {"sort": sort, "tag": "", "limit": 20})]
        sets[f"ranked_{sort}_tag"] = [
            body("bridge.get_ranked_posts", {"sort": sort, "tag": tag, "limit": 20}) for tag in built["top_tags"]
        ]
    sets["get_content"] = [body("condenser_api.get_content", [a, p]) for a, p in contents]
    sets["get_content_root"] = [body("condenser_api.get_content", [a, p]) for a, p in roots]
    sets["account_posts_feed"] = [
        body("bridge.get_account_posts", {"sort": "feed", "account": name, "limit": 20}) for name in followers
    ]
    sets["discussion_2000"] = [body("bridge.get_discussion", {"author": author, "permlink": permlink})]
    return sets


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(samples: list[float]) -> dict[str, Any]:
    return {
        "p50": round(percentile(samples, 0.5), 2),
        "p99": round(percentile(samples, 0.99), 2),
        "max": round(max(samples), 2),
        "n": len(samples),
    }


def measure(call: Callable[[bytes], bytes], bodies: list[bytes], budget: float, most: int, least: int) -> list[float]:
    """Milliseconds per call, cycling through the bodies after one warm-up pass (at most 20 calls)."""
    for request in bodies[:20]:
        answer = orjson.loads(call(request))
        if "result" not in answer:
            raise SystemExit(f"{request!r} failed: {answer}")
    samples: list[float] = []
    deadline = time.perf_counter() + budget
    for request in itertools.cycle(bodies):
        started = time.perf_counter()
        answer = call(request)
        samples.append((time.perf_counter() - started) * 1000)
        if not answer.startswith(b'{"jsonrpc":"2.0","result"'):
            raise SystemExit(f"{request!r} failed: {answer[:300]!r}")
        if len(samples) >= most or (len(samples) >= least and time.perf_counter() > deadline):
            return samples
    raise AssertionError("unreachable")


def measure_all(call: Callable[[bytes], bytes], sets: dict[str, list[bytes]], budget: float) -> dict[str, Any]:
    results = {}
    for kind, bodies in sets.items():
        least = 20 if kind.startswith("discussion") else 100
        results[kind] = summary(measure(call, bodies, budget, 2000, least))
        log(f"  {kind}: {results[kind]}")
    return results


def page_sizes(call: Callable[[bytes], bytes], sets: dict[str, list[bytes]]) -> dict[str, Any]:
    """How much each first request returns: items, active votes in them, response bytes."""
    sizes = {}
    for kind, bodies in sets.items():
        raw = call(bodies[0])
        result = orjson.loads(raw)["result"]
        items = list(result.values()) if isinstance(result, dict) and "author" not in result else result
        items = items if isinstance(items, list) else [items]
        votes = sum(len(item.get("active_votes", [])) for item in items)
        sizes[kind] = {"items": len(items), "active_votes": votes, "bytes": len(raw)}
    return sizes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "stoa.cli", "run", "--data-dir", str(data_dir), "--port", str(port), *MANUAL],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    with httpx.Client() as client:
        for _ in range(600):
            try:
                client.post(url, content=body("condenser_api.get_dynamic_global_properties", []))
                return process, url
            except httpx.HTTPError:
                time.sleep(0.1)
    process.kill()
    raise SystemExit("stoa run did not start")


def requests_per_second(url: str, bodies: list[bytes], seconds: float) -> float:
    """Answers per second to CLIENTS threads, each on its own keep-alive connection, after a warm-up."""
    counts: list[int] = []
    stop = threading.Event()
    measuring = threading.Event()

    def client(offset: int) -> None:
        done = 0
        with httpx.Client(timeout=60) as http:
            for request in itertools.islice(itertools.cycle(bodies), offset, None):
                if stop.is_set():
                    break
                answer = http.post(url, content=request, headers={"content-type": "application/json"})
                if measuring.is_set() and answer.status_code == 200:
                    done += 1
        counts.append(done)

    threads = [threading.Thread(target=client, args=(i * 7,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(min(3.0, seconds / 3))
    measuring.set()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - started
    for thread in threads:
        thread.join()
    return sum(counts) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full network (thread stays 2,000)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, help="keep the network here; reused if built with the same plan")
    parser.add_argument("--budget", type=float, default=8.0, help="seconds of calls per request kind and mode")
    parser.add_argument("--rps-seconds", type=float, default=10.0)
    args = parser.parse_args()
    plan = Plan.at(args.scale, args.seed)
    if plan.posts < 4 * THREAD_COMMENTS or plan.accounts < 100:
        raise SystemExit("--scale too small: the network needs at least 8,000 posts and 100 accounts")

    with tempfile.TemporaryDirectory() as scratch:
        data_dir = args.data_dir or Path(scratch) / "net"
        marker = data_dir / MARKER
        built = orjson.loads(marker.read_bytes()) if marker.exists() else None
        if built is None or built["plan"] != asdict(plan):
            if data_dir.exists() and any(data_dir.iterdir()):
                raise SystemExit(f"{data_dir} holds something else; give an empty or new --data-dir")
            built = build_network(data_dir, plan)
        else:
            log(f"reusing the network in {data_dir}")
        db_bytes = sum(path.stat().st_size for path in data_dir.glob("state.db*"))
        sets = request_sets(data_dir / "state.db", built, args.seed)

        reference = raw_recover_rate()
        log("in process")
        node = Node(data_dir, block_mode="manual", consumers=[ingest])
        dispatcher = build_dispatcher(node)

        def in_process(request: bytes) -> bytes:
            answer = dispatcher.handle_body(request)
            assert answer is not None
            return answer

        sizes = page_sizes(in_process, sets)
        local = measure_all(in_process, sets, args.budget)
        node.stop()

        log("over HTTP (stoa run)")
        process, url = start_server(data_dir)
        try:
            with httpx.Client(timeout=60) as http:

                def over_http(request: bytes) -> bytes:
                    return http.post(url, content=request, headers={"content-type": "application/json"}).content

                remote = measure_all(over_http, sets, args.budget / 2)
            mix = [b for kind in ("ranked_trending", "ranked_created", "ranked_hot") for b in sets[kind]]
            mix += sets["get_content"][:20] + sets["account_posts_feed"][:20]
            rps = {
                "get_content": round(requests_per_second(url, sets["get_content"], args.rps_seconds)),
                "ranked_trending": round(requests_per_second(url, sets["ranked_trending"], args.rps_seconds)),
                "mix": round(requests_per_second(url, mix, args.rps_seconds)),
            }
            log(f"  rps: {rps}")
        finally:
            process.terminate()
            process.wait(15)

    targeted = ["ranked_trending", "ranked_created", "ranked_hot", "get_content", "get_content_root"]
    ours = {
        "bridge.get_ranked_posts": ["ranked_trending", "ranked_created", "ranked_hot"],
        "bridge.get_account_posts": ["account_posts_feed"],
        "bridge.get_discussion": ["discussion_2000"],
        "condenser_api.get_content": ["get_content", "get_content_root"],
    }
    medians = PUBLISHED["hivemind_python_server_full_sync_block_50.23M_medians_ms"]
    print(
        orjson.dumps(
            {
                "bench": "api",
                "unit": "ms per call (p50, p99, max); requests/s over HTTP",
                "scale": args.scale,
                "network": {
                    "accounts": plan.accounts,
                    "posts_and_comments": built["rows"]["posts"],
                    "votes": built["rows"]["post_votes"],
                    "follows": built["rows"]["follows"],
                    "reblogs": built["rows"]["reblogs"],
                    "thread_comments": THREAD_COMMENTS,
                    "db_mb": round(db_bytes / 1e6),
                    "load_seconds": built["load_seconds"],
                },
                "in_process": local,
                "http": remote,
                "http_rps": rps,
                "http_setup": f"stoa run (uvicorn, 1 worker, Starlette thread pool), {CLIENTS} httpx client threads"
                " in the bench process, 2 cores shared",
                "first_page": sizes,
                "targets_ms": {"p50": TARGET_P50_MS, "p99": TARGET_P99_MS, "for": targeted},
                "targets_met": {
                    kind: local[kind]["p50"] <= TARGET_P50_MS and local[kind]["p99"] <= TARGET_P99_MS
                    for kind in targeted
                },
                "vs_published_median_ms": {
                    method: {
                        "hivemind": medians[method],
                        "ours_in_process_p50": {kind: local[kind]["p50"] for kind in kinds},
                        "ours_http_p50": {kind: remote[kind]["p50"] for kind in kinds},
                    }
                    for method, kinds in ours.items()
                },
                "reference": round(reference),
                "reference_unit": "recover/s (raw coincurve)",
                "published_reference": PUBLISHED,
            }
        ).decode()
    )


if __name__ == "__main__":
    main()
