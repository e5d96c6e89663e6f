"""The achievements board (SteemitBoard's job), run as a separate service.

It follows the chain through the public JSON-RPC API, awards badges, notifies with its own account,
and serves the Board of Honor.
"""
