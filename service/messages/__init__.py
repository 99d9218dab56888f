"""Messages: e-mails from an outbox, sent by a background sweep (docs/MESSAGES.md).

``outbox`` renders and queues a message once per event and recipient; ``events`` says who
gets what when a round opens, results are published, a deadline nears or a POK is ready
(called in the transaction of the change that caused it); ``delivery`` sends what is due
through SMTP or into ``.eml`` files, with retries and backoff. Above the rounds, ``sweep``
runs delivery and the time-based reminders periodically, and ``scope`` says which messages
a coordinator sees.
"""

from __future__ import annotations

from service.messages.events import notify_pok_ready

__all__ = ["notify_pok_ready"]
