"""The chain node: consensus state, block application, production and the block log."""
