"""The Coin Marketplace widget: seven coins' USD prices and 24-hour sparklines, from a price provider
refreshed in the background (coins, providers, ticker, sparkline, widget)."""
