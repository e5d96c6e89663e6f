"""The JSON-RPC API real Steem clients talk to: envelopes, dispatch and one module per namespace."""
