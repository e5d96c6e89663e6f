"""The social index: the read model built from applied operations."""
