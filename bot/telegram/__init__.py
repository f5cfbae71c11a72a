"""The Telegram adapter: receive and normalise updates, render replies, send them from the outbox.

A thin edge over the platform-neutral core: no integrity logic lives here.
"""
