"""The Coin Marketplace widget: seven coins' USD prices and 24-hour sparklines.

They come from a price provider refreshed in the background. Its modules: coins, providers, ticker,
sparkline, widget.
"""
