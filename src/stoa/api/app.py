"""Assemble the node's API: every namespace on one dispatcher, served over HTTP."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..chain.node import Node
from ..web import market_page
from ..web.site import http_error, site_routes
from . import broadcast, communities, condenser, database, debug, discussions, market, notifications, rewards, social
from .jsonrpc import Dispatcher
from .reads import ChainReader
from .server import make_app


def build_dispatcher(node: Node) -> Dispatcher:
    dispatcher = Dispatcher()
    reader = ChainReader(node)
    database.register(dispatcher, reader)
    condenser.register(dispatcher, reader)
    rewards.register(dispatcher, reader)
    market.register(dispatcher, reader)
    social.register(dispatcher, reader)
    notifications.register(dispatcher, reader)
    discussions.register(dispatcher, reader)
    communities.register(dispatcher, reader)
    broadcast.register(dispatcher, node)
    if node.genesis.dev:
        debug.register(dispatcher, node, reader)
    return dispatcher


def node_app(node: Node) -> Starlette:
    """JSON-RPC on POST /, its method list on GET /api, and the web site on every other GET."""
    api = make_app(build_dispatcher(node))
    routes = [
        Route("/api", route.endpoint, methods=["GET"]) if "GET" in (route.methods or ()) else route
        for route in api.routes
        if isinstance(route, Route)
    ]
    return Starlette(
        routes=[*routes, *market_page.routes(ChainReader(node)), *site_routes(ChainReader(node))],
        exception_handlers={404: http_error, 405: http_error},
        middleware=[Middleware(GzipPages)],
    )


class GzipPages:
    """gzip for what browsers GET (pages, scripts) over 1 KB; JSON-RPC answers go out plain, as hived's
    do: compressing a large ranked list costs the node more than it saves a client on the same network."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=1024)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
