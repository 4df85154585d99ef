"""The adapter interface every channel type implements."""

from ..lib import canonical

_ADAPTERS = {}


class ChannelAdapter:
    """Turns the messages of one channel type into canonical orders.

    ``split`` cuts one received message into the orders it holds (as dicts in the
    channel's own format); ``to_canonical`` maps one of them to the canonical format
    (not yet normalized). Both raise ``canonical.Rejected`` for what cannot be read.
    """

    channel_types = ()

    def split(self, raw: bytes) -> list[dict]:
        return [payload for payload, _part in self.split_parts(raw)]

    def split_parts(self, raw: bytes) -> list[tuple[dict, bytes]]:
        """``split``, with each order's own bytes as received (see
        ``canonical.parse_body_parts``)."""
        return canonical.parse_body_parts(raw)

    def order_reference(self, payload: dict) -> str | None:
        """The channel's order reference, read before any validation (for dedup)."""
        reference = payload.get("reference") if isinstance(payload, dict) else None
        if reference is None:
            return None
        # A NUL cannot be stored in a text column: shown escaped, the order is
        # rejected for it by normalize().
        return str(reference).replace("\x00", "\\x00").strip()[:64] or None

    def to_canonical(self, payload: dict) -> dict:
        return payload


def register(adapter_class):
    """Class decorator: serve ``adapter_class`` for its ``channel_types``."""
    for channel_type in adapter_class.channel_types:
        _ADAPTERS[channel_type] = adapter_class()
    return adapter_class


def get_adapter(channel_type: str) -> ChannelAdapter:
    """The adapter of ``channel_type``; channels without a connector of their own send
    canonical JSON."""
    return _ADAPTERS.get(channel_type) or _ADAPTERS["api"]
