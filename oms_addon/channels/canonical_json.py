"""Channels that send the canonical format itself: the REST API, spreadsheets, and
every channel type that has no connector of its own yet."""

from .base import ChannelAdapter, register


@register
class CanonicalJsonAdapter(ChannelAdapter):
    channel_types = ("api", "csv", "web", "marketplace", "phone", "store", "b2b")
