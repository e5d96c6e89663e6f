"""The HTTP front of the JSON-RPC API: one POST route on `/`, as steemd serves it."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .jsonrpc import Dispatcher

MAX_BODY_BYTES = 4 * 1024 * 1024


def make_app(dispatcher: Dispatcher) -> Starlette:
    """An ASGI app answering JSON-RPC on POST / and listing its methods on GET /."""

    async def rpc(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": f"request body over {MAX_BODY_BYTES} bytes"}, status_code=413)
        answer = await run_in_threadpool(dispatcher.handle_body, body)
        if answer is None:
            return Response(status_code=204)
        return Response(answer, media_type="application/json")

    async def describe(request: Request) -> Response:
        return JSONResponse({"jsonrpc": "POST JSON-RPC 2.0 requests here", "methods": dispatcher.methods()})

    return Starlette(routes=[Route("/", rpc, methods=["POST"]), Route("/", describe, methods=["GET"])])
