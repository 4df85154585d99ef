"""Channel adapters: what a channel sends <-> canonical orders.

One module per channel type; each registers its adapter class with
:func:`register`. Adding a channel type adds a module here and a ``selection_add``
on ``oms.channel.channel_type``; the core does not change.
"""

from .base import ChannelAdapter, get_adapter, register
from . import canonical_json
