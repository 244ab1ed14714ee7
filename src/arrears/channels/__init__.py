"""The channels an outbound message can take, behind one small interface.

    channel = SmtpChannel(name="mail", host="127.0.0.1", port=25, sender="催收中心 <notice@lender.cn>")
    sent = channel.send(message)          # Sent(provider_message_id=...)

Each channel raises TransientError (not accepted; try again later), PermanentError (never will be),
or UncertainError (it may have gone out: a person must look before anything is resent). Inbound
traffic (delivery receipts, replies) comes back as Receipt and Reply values. This package imports
no Django: the outbox drives it.
"""

from arrears.channels._base import (
    Channel,
    ChannelError,
    Message,
    PermanentError,
    Receipt,
    Reconciled,
    Reply,
    Sent,
    TransientError,
    UncertainError,
)
from arrears.channels.replies import is_stop_request

__all__ = [
    "Channel",
    "ChannelError",
    "Message",
    "PermanentError",
    "Receipt",
    "Reconciled",
    "Reply",
    "Sent",
    "TransientError",
    "UncertainError",
    "is_stop_request",
]
