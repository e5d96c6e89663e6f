"""The Steemit-style web site: server-rendered, read-only pages over the API's query layer.

See issue 6.
"""
