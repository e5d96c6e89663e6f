"""Communities as hivemind keeps them: registration, roles, subscriptions and moderation.

This module also makes their notifications.

Derived like the rest of the index from applied operations only; this module follows every operation
after the read model and the notifications (`ingest.FOLLOWERS`).

- **Registration**: creating an account named `hive-1NNNN` … `hive-1NNNNNN` (hivemind registers only
  the leading digit 1, "topic" communities, open to every author) makes a community of type 1, owned
  by that account (role `owner`), and notifies it `new_community`.
- **Posts**: a top-level post whose category names a community belongs to it; a reply belongs to its
  parent's community and is muted when its parent is. A post by an author muted in the community is
  muted at once and its author gets an `error` notification ("not authorized"). A post never changes
  community.
- **Operations**: custom_json id `community`, signed by exactly one posting authority (no active
  ones), `[action, {community, …}]` with hivemind's actions, keys, limits and permission rules
  (`PERMISSIONS`). An invalid one changes nothing; its signer gets an `error` notification saying
  why (hivemind's wording). They are never chain errors: the chain does not read them.
- **Notifications** (hivemind HEAD's destinations and scores; never to the actor): `set_role` /
  `set_title` to the account named, `mute_post` / `unmute_post` / `pin_post` / `unpin_post` to the
  post's author, each scoring 35 when that account subscribes to the community and 15 otherwise;
  `set_props` and `flag_post` to the community's team (mods and up, but not the actor) at 35;
  `subscribe` to the community account, scored by the subscriber's reputation as follows are;
  `new_community` and `error` at 35.

Accounts the operations name must be known to the index (`ingest.known_account`: a genesis account
or one an operation created), as they must be in hivemind's `hive_accounts`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from ..protocol.operations import (
    AccountCreate,
    AccountCreateWithDelegation,
    CreateClaimedAccount,
    CustomJson,
    Operation,
)
from ..protocol.operations import Comment as CommentOp
from .ingest import FOLLOWERS, known_account
from .notifications import created_now, notified, notify, source_score

TABLES = ("communities", "community_roles", "community_subscriptions", "community_flags")
DDL = [
    """CREATE TABLE IF NOT EXISTS communities (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, type_id INTEGER NOT NULL,
        title TEXT NOT NULL DEFAULT '', about TEXT NOT NULL DEFAULT '', lang TEXT NOT NULL DEFAULT 'en',
        is_nsfw INTEGER NOT NULL DEFAULT 0, description TEXT NOT NULL DEFAULT '',
        flag_text TEXT NOT NULL DEFAULT '', settings TEXT NOT NULL DEFAULT '{}',
        avatar_url TEXT NOT NULL DEFAULT '', subscribers INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS community_roles (
        community TEXT NOT NULL, account TEXT NOT NULL, role INTEGER NOT NULL DEFAULT 0,
        title TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL, PRIMARY KEY (community, account))""",
    """CREATE TABLE IF NOT EXISTS community_subscriptions (
        id INTEGER PRIMARY KEY, community TEXT NOT NULL, account TEXT NOT NULL, created INTEGER NOT NULL,
        UNIQUE (community, account))""",
    "CREATE INDEX IF NOT EXISTS community_subscriptions_account ON community_subscriptions (account, community)",
    """CREATE TABLE IF NOT EXISTS community_flags (
        post_id INTEGER NOT NULL, account TEXT NOT NULL, PRIMARY KEY (post_id, account))""",
]

ROLES = {"muted": -2, "guest": 0, "member": 2, "mod": 4, "admin": 6, "owner": 8}
ROLE_NAMES = {value: name for name, value in ROLES.items()}
MUTED, GUEST, MOD, ADMIN, OWNER = -2, 0, 4, 6, 8
COMMUNITY_NAME = re.compile(r"hive-[123]\d{4,6}")  # what names a community in an operation
REGISTERS = re.compile(r"hive-1\d{4,6}")  # what account names make one (hivemind: topics only)
SCORE = 35
UNSUBSCRIBED_SCORE = 15

# hivemind's schema: the keys each action must carry, no more, no fewer
SCHEMA = {
    "updateProps": ("community", "props"),
    "setRole": ("community", "account", "role"),
    "setUserTitle": ("community", "account", "title"),
    "mutePost": ("community", "account", "permlink", "notes"),
    "unmutePost": ("community", "account", "permlink", "notes"),
    "pinPost": ("community", "account", "permlink"),
    "unpinPost": ("community", "account", "permlink"),
    "flagPost": ("community", "account", "permlink", "notes"),
    "subscribe": ("community",),
    "unsubscribe": ("community",),
}
ISO_639_1 = (
    "ab aa af ak sq am ar an hy as av ae ay az bm ba eu be bn bh bi bs br bg my ca ch ce ny zh cv kw co "
    "cr hr cs da dv nl dz en eo et ee fo fj fi fr ff gl ka de el gn gu ht ha he hz hi ho hu ia id ie ga "
    "ig ik io is it iu ja jv kl kn kr ks kk km ki rw ky kv kg ko ku kj la lb lg li ln lo lt lu lv gv mk "
    "mg ms ml mt mi mr mh mn na nv nd ne ng nb nn no ii nr oc oj cu om or os pa pi fa pl ps pt qu rm rn "
    "ro ru sa sc sd se sm sg sr gd sn si sk sl so st es su sw ss sv ta te tg th ti bo tk tl tn to tr ts "
    "tt tw ty ug uk ur uz ve vi vo wa cy wo fy xh yi yo za"
)
LANGS = frozenset(ISO_639_1.split())
PROPS = ("title", "about", "lang", "is_nsfw", "description", "flag_text", "settings")

Handler = Callable[[sqlite3.Connection, int, Any], None]


class Refused(Exception):
    """A community operation hivemind would not apply; the message is what its signer is told."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Refused(message)


def create_tables(db: sqlite3.Connection) -> None:
    """Create the community tables if missing (schema.create calls this with the other index tables)."""
    for statement in DDL:
        db.execute(statement)


# --- reading the index --------------------------------------------------------------------------


def exists(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM communities WHERE name = ?", (name,)).fetchone() is not None


def role_of(db: sqlite3.Connection, community: str, account: str) -> int:
    found = db.execute(
        "SELECT role FROM community_roles WHERE community = ? AND account = ?", (community, account)
    ).fetchone()
    return GUEST if found is None else int(found[0])


def subscribed(db: sqlite3.Connection, community: str, account: str) -> bool:
    found = db.execute(
        "SELECT 1 FROM community_subscriptions WHERE community = ? AND account = ?", (community, account)
    ).fetchone()
    return found is not None


def team(db: sqlite3.Connection, community: str) -> list[str]:
    """The community's mods, admins and owner."""
    rows = db.execute(
        "SELECT account FROM community_roles WHERE community = ? AND role >= ? ORDER BY role DESC, account",
        (community, MOD),
    )
    return [name for (name,) in rows]


# --- registration and posts ---------------------------------------------------------------------


def on_account_created(db: sqlite3.Connection, now: int, op: Any) -> None:
    name = op.new_account_name
    if not REGISTERS.fullmatch(name):
        return
    db.execute("INSERT OR IGNORE INTO communities (name, type_id, created) VALUES (?, ?, ?)", (name, int(name[5]), now))
    set_role(db, now, name, name, OWNER)
    notify(db, now, "new_community", SCORE, "", name, community=name)


def set_role(db: sqlite3.Connection, now: int, community: str, account: str, role: int) -> None:
    db.execute(
        "INSERT INTO community_roles (community, account, role, created) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (community, account) DO UPDATE SET role = excluded.role",
        (community, account, role, now),
    )


def on_comment(db: sqlite3.Connection, now: int, op: CommentOp) -> None:
    """A new post: its community (by category, or its parent's) and whether it starts muted."""
    row = created_now(db, now, op)
    if row is None:
        return  # an edit (a post keeps its community), or nothing the index took
    community, muted = placement(db, op, row[1])
    if community is None:
        return
    post = (op.author, op.permlink)
    if not muted and role_of(db, community, op.author) < GUEST:
        muted = True
        if not notified(db, "error", op.author, post, now):
            notify(db, now, "error", SCORE, community, op.author, post, {"text": "not authorized"}, community)
    db.execute("UPDATE posts SET community = ?, is_muted = ? WHERE id = ?", (community, int(muted), row[0]))


def placement(db: sqlite3.Connection, op: CommentOp, depth: int) -> tuple[str | None, bool]:
    """(community, muted) a new post inherits: a root post's category if it is a community, a reply's
    parent's community and muted state."""
    if depth == 0:
        return (op.parent_permlink if exists(db, op.parent_permlink) else None), False
    found = db.execute(
        "SELECT community, is_muted FROM posts WHERE author = ? AND permlink = ?",
        (op.parent_author, op.parent_permlink),
    ).fetchone()
    return (None, False) if found is None else (found[0], bool(found[1]))


# --- community operations -----------------------------------------------------------------------


@dataclass
class CommunityOp:
    """One community operation as read and checked: its actor, action and the objects it names."""

    actor: str
    action: str
    body: dict[str, Any]
    community: str = ""
    account: str = ""
    post: tuple[int, str, bool, bool] | None = None  # id, permlink, is_muted, is_pinned
    props: dict[str, Any] | None = None  # updateProps' checked props, as column values


def on_custom_json(db: sqlite3.Connection, now: int, op: CustomJson) -> None:
    if op.id != "community" or op.required_auths or len(op.required_posting_auths) != 1:
        return  # hivemind reads community operations signed by exactly one posting authority
    actor = op.required_posting_auths[0]
    try:
        payload = orjson.loads(op.json)
    except orjson.JSONDecodeError:
        payload = None
    command = CommunityOp(actor, "", {})
    try:
        read(db, command, payload)
        permitted(db, command)
    except Refused as refusal:
        community = command.community
        notify(db, now, "error", SCORE, community, actor, payload={"text": str(refusal)}, community=community)
        return
    APPLY[command.action](db, now, command)


def read(db: sqlite3.Connection, command: CommunityOp, payload: Any) -> None:
    """The operation's shape and the things it names, into `command` (hivemind's _read_schema)."""
    check(isinstance(payload, list), "op json must be list")
    check(len(payload) == 2, "op json must have 2 elements")
    check(isinstance(payload[0], str), "op json[0] must be string")
    check(isinstance(payload[1], dict), "op json[1] must be dict")
    action, body = payload
    check(action in SCHEMA, "invalid action")
    command.action, command.body = action, body
    keys, expected = set(body), set(SCHEMA[action])
    check(not expected - keys, f"missing keys: {sorted(expected - keys)}")
    check(not keys - expected, f"extraneous keys: {sorted(keys - expected)}")
    name = text(body, "community", 16)
    check(bool(COMMUNITY_NAME.fullmatch(name)) and exists(db, name), f"community `{name}` does not exist")
    command.community = name
    read_objects(db, command, body)


def read_objects(db: sqlite3.Connection, command: CommunityOp, body: dict[str, Any]) -> None:
    """The account, post, role, notes, title and props an action names."""
    if "account" in body:
        command.account = text(body, "account", 16)
        check(known_account(db, command.account), f"account `{command.account}` not found")
    if "permlink" in body:
        command.post = community_post(db, command, text(body, "permlink", 256))
    if "role" in body:
        check(text(body, "role", 16) in ROLES, "invalid role")
    if "notes" in body:
        text(body, "notes", 120)
    if "title" in body:
        text(body, "title", 32, allow_blank=True)
    if "props" in body:
        command.props = props(body["props"])


def text(body: dict[str, Any], key: str, limit: int, allow_blank: bool = False) -> str:
    """A string field as hivemind's read_key_str checks it."""
    value = body[key]
    check(isinstance(value, str), f"key `{key}` was not str")
    check(allow_blank or bool(value), f"key `{key}` was blank")
    check(value == value.strip(), f"invalid padding: {key}")
    check(len(value) <= limit, f"exceeds max len: {key}")
    return str(value)


def community_post(db: sqlite3.Connection, command: CommunityOp, permlink: str) -> tuple[int, str, bool, bool]:
    found = db.execute(
        "SELECT id, community, is_muted, is_pinned FROM posts WHERE author = ? AND permlink = ?",
        (command.account, permlink),
    ).fetchone()
    check(found is not None, f"invalid post: {command.account}/{permlink}")
    check(found[1] == command.community, "post does not belong to community")
    return int(found[0]), permlink, bool(found[2]), bool(found[3])


def props(value: Any) -> dict[str, Any]:
    """updateProps' props: the known keys, each checked as hivemind does, as column values."""
    check(isinstance(value, dict) and bool(value), "key `props` was blank or not a dict")
    unknown = sorted(set(value) - set(PROPS))
    check(not unknown, f"extraneous keys: {unknown}")
    out: dict[str, Any] = {}
    limits = {"title": 20, "about": 120, "lang": 2, "description": 1000, "flag_text": 1000}
    for key, limit in limits.items():
        if key in value:
            out[key] = text(value, key, limit, allow_blank=key not in ("title", "lang"))
    if "title" in out:
        check(len(out["title"]) >= 3, "title too short")
        check(out["title"][0] not in "@#", "invalid title prefix")
    if "lang" in out:
        check(out["lang"] in LANGS, "invalid lang: lang")
    if "is_nsfw" in value:
        check(isinstance(value["is_nsfw"], bool), "must be bool: is_nsfw")
        out["is_nsfw"] = int(value["is_nsfw"])
    if "settings" in value:
        out.update(settings(value["settings"]))
    return out


def settings(value: Any) -> dict[str, Any]:
    check(isinstance(value, dict) and bool(value), "key `settings` was blank or not a dict")
    out: dict[str, Any] = {"settings": orjson.dumps(value).decode()}
    if "avatar_url" in value:
        url = value["avatar_url"]
        check(isinstance(url, str) and len(url) < 1024, "invalid avatar_url")
        check(not url or url.startswith(("http://", "https://")), "invalid avatar_url")
        out["avatar_url"] = url
    return out


def permitted(db: sqlite3.Connection, command: CommunityOp) -> None:
    """hivemind's _validate_permissions."""
    actor_role = role_of(db, command.community, command.actor)
    PERMISSIONS[command.action](db, command, actor_role)


def may_set_role(db: sqlite3.Connection, command: CommunityOp, actor_role: int) -> None:
    new_role = ROLES[command.body["role"]]
    check(actor_role >= MOD, "only mods and up can alter roles")
    check(actor_role > new_role, "cannot promote to or above own rank")
    if command.actor != command.account:
        account_role = role_of(db, command.community, command.account)
        check(account_role < actor_role, "cant modify higher-role user")
        check(account_role != new_role, "role would not change")


def at_least(role: int, message: str) -> Callable[[sqlite3.Connection, CommunityOp, int], None]:
    def rule(db: sqlite3.Connection, command: CommunityOp, actor_role: int) -> None:
        check(actor_role >= role, message)

    return rule


def post_state(
    index: int, wanted: bool, message: str, role_message: str
) -> Callable[[sqlite3.Connection, CommunityOp, int], None]:
    """A moderation rule: the post's muted (index 2) or pinned (3) state must be `wanted`, actor a mod."""

    def rule(db: sqlite3.Connection, command: CommunityOp, actor_role: int) -> None:
        assert command.post is not None
        check(command.post[index] == wanted, message)
        if command.action == "unmutePost":
            check(not parent_muted(db, command.post[0]), "parent post is muted")
        check(actor_role >= MOD, role_message)

    return rule


def parent_muted(db: sqlite3.Connection, post: int) -> bool:
    found = db.execute(
        "SELECT parent.is_muted FROM posts p JOIN posts parent"
        " ON parent.author = p.parent_author AND parent.permlink = p.parent_permlink WHERE p.id = ?",
        (post,),
    ).fetchone()
    return bool(found and found[0])


def may_flag(db: sqlite3.Connection, command: CommunityOp, actor_role: int) -> None:
    assert command.post is not None
    check(actor_role > MUTED, "muted users cannot flag posts")
    flagged = db.execute(
        "SELECT 1 FROM community_flags WHERE post_id = ? AND account = ?", (command.post[0], command.actor)
    ).fetchone()
    check(flagged is None, "user already flagged this post")


def may_subscribe(wanted: bool, message: str) -> Callable[[sqlite3.Connection, CommunityOp, int], None]:
    def rule(db: sqlite3.Connection, command: CommunityOp, actor_role: int) -> None:
        check(subscribed(db, command.community, command.actor) != wanted, message)

    return rule


PERMISSIONS: dict[str, Callable[[sqlite3.Connection, CommunityOp, int], None]] = {
    "setRole": may_set_role,
    "updateProps": at_least(ADMIN, "only admins can update props"),
    "setUserTitle": at_least(MOD, "only mods can set user titles"),
    "mutePost": post_state(2, False, "post is already muted", "only mods can mute posts"),
    "unmutePost": post_state(2, True, "post is already not muted", "only mods can unmute posts"),
    "pinPost": post_state(3, False, "post is already pinned", "only mods can pin posts"),
    "unpinPost": post_state(3, True, "post is already not pinned", "only mods can unpin posts"),
    "flagPost": may_flag,
    "subscribe": may_subscribe(True, "already subscribed"),
    "unsubscribe": may_subscribe(False, "already unsubscribed"),
}


# --- applying them ------------------------------------------------------------------------------


def tell(db: sqlite3.Connection, now: int, command: CommunityOp, kind: str, dst: str, text_: str = "") -> None:
    """A role, title or post notification to `dst`: 35 when dst subscribes to the community, else 15.
    Nobody is told of what they did themselves (hivemind notifies only src != dst)."""
    if dst == command.actor:
        return
    score = SCORE if subscribed(db, command.community, dst) else UNSUBSCRIBED_SCORE
    post = ("", "") if command.post is None else (command.account, command.post[1])
    payload = {"text": text_} if text_ else {}
    notify(db, now, kind, score, command.actor, dst, post, payload, command.community)


def tell_team(db: sqlite3.Connection, now: int, command: CommunityOp, kind: str, text_: str) -> None:
    post = ("", "") if command.post is None else (command.account, command.post[1])
    for member in team(db, command.community):
        if member != command.actor:
            notify(db, now, kind, SCORE, command.actor, member, post, {"text": text_}, command.community)


def apply_set_role(db: sqlite3.Connection, now: int, command: CommunityOp) -> None:
    set_role(db, now, command.community, command.account, ROLES[command.body["role"]])
    tell(db, now, command, "set_role", command.account, command.body["role"])


def apply_set_title(db: sqlite3.Connection, now: int, command: CommunityOp) -> None:
    title = command.body["title"].replace("\x00", " ")
    db.execute(
        "INSERT INTO community_roles (community, account, title, created) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (community, account) DO UPDATE SET title = excluded.title",
        (command.community, command.account, title, now),
    )
    tell(db, now, command, "set_title", command.account, title)


def apply_props(db: sqlite3.Connection, now: int, command: CommunityOp) -> None:
    values = command.props or {}
    assignments = ", ".join(f"{column} = ?" for column in values)  # column names checked against PROPS
    db.execute(f"UPDATE communities SET {assignments} WHERE name = ?", (*values.values(), command.community))
    tell_team(db, now, command, "set_props", orjson.dumps(command.body["props"]).decode())


def post_flag(column: str, value: int, kind: str) -> Handler:
    """mutePost / unmutePost / pinPost / unpinPost: set the post's flag, tell its author."""

    def apply(db: sqlite3.Connection, now: int, command: CommunityOp) -> None:
        assert command.post is not None
        db.execute(f"UPDATE posts SET {column} = ? WHERE id = ?", (value, command.post[0]))
        tell(db, now, command, kind, command.account, str(command.body.get("notes", "")))

    return apply


def apply_flag(db: sqlite3.Connection, now: int, command: CommunityOp) -> None:
    assert command.post is not None
    db.execute("INSERT INTO community_flags (post_id, account) VALUES (?, ?)", (command.post[0], command.actor))
    tell_team(db, now, command, "flag_post", command.body["notes"])


def apply_subscribe(db: sqlite3.Connection, now: int, command: CommunityOp) -> None:
    db.execute(
        "INSERT INTO community_subscriptions (community, account, created) VALUES (?, ?, ?)",
        (command.community, command.actor, now),
    )
    db.execute("UPDATE communities SET subscribers = subscribers + 1 WHERE name = ?", (command.community,))
    score = source_score(db, command.actor)
    if score > 0:
        notify(db, now, "subscribe", score, command.actor, command.community, community=command.community)


def apply_unsubscribe(db: sqlite3.Connection, now: int, command: CommunityOp) -> None:
    db.execute(
        "DELETE FROM community_subscriptions WHERE community = ? AND account = ?", (command.community, command.actor)
    )
    db.execute("UPDATE communities SET subscribers = subscribers - 1 WHERE name = ?", (command.community,))


APPLY: dict[str, Handler] = {
    "setRole": apply_set_role,
    "setUserTitle": apply_set_title,
    "updateProps": apply_props,
    "mutePost": post_flag("is_muted", 1, "mute_post"),
    "unmutePost": post_flag("is_muted", 0, "unmute_post"),
    "pinPost": post_flag("is_pinned", 1, "pin_post"),
    "unpinPost": post_flag("is_pinned", 0, "unpin_post"),
    "flagPost": apply_flag,
    "subscribe": apply_subscribe,
    "unsubscribe": apply_unsubscribe,
}

HANDLERS: dict[type[Operation], Handler] = {
    AccountCreate: on_account_created,
    AccountCreateWithDelegation: on_account_created,
    CreateClaimedAccount: on_account_created,
    CommentOp: on_comment,
    CustomJson: on_custom_json,
}


def on_operation(db: sqlite3.Connection, now: int, op: Operation) -> None:
    """`ingest.FOLLOWERS` entry: what one applied operation does to the communities."""
    handler = HANDLERS.get(type(op))
    if handler is not None:
        handler(db, now, op)


FOLLOWERS.append(on_operation)
