"""Sending due contact attempts through the channels, once each, with retries, rate limits and alerts."""
