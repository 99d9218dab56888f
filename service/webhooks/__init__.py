"""Webhooks: events sent to the URLs companies (and admins, for a school's systems) register.

- ``signing``: the Standard Webhooks signature (``webhook-id``, ``webhook-timestamp``,
  ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``) and secrets.
- ``events``: ``emit``, called by the features in the transaction of their change: one
  delivery row per endpoint that wants the event, sent once that transaction commits.
- ``endpoints``: who registers, sees and changes which endpoint; the URL rule (https in
  production, no private or loopback address unless configured: no server-side request
  forgery); replaying a delivery.
- ``delivery``: sending a delivery (claimed once, so a retried job never sends it twice),
  retries with exponential backoff, disabling a URL that keeps failing, the background
  sender and its sweep.
"""
