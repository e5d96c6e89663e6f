"""Assemble the node's API: every namespace on one dispatcher, served over HTTP."""

from __future__ import annotations

from starlette.applications import Starlette

from ..chain.node import Node
from . import broadcast, condenser, database, debug, discussions, notifications, rewards, social
from .jsonrpc import Dispatcher
from .reads import ChainReader
from .server import make_app


def build_dispatcher(node: Node) -> Dispatcher:
    dispatcher = Dispatcher()
    reader = ChainReader(node)
    database.register(dispatcher, reader)
    condenser.register(dispatcher, reader)
    rewards.register(dispatcher, reader)
    social.register(dispatcher, reader)
    notifications.register(dispatcher, reader)
    discussions.register(dispatcher, reader)
    broadcast.register(dispatcher, node)
    if node.genesis.dev:
        debug.register(dispatcher, node, reader)
    return dispatcher


def node_app(node: Node) -> Starlette:
    return make_app(build_dispatcher(node))
