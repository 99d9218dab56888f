"""Identity: who is asking, and may they come in.

``principals`` (roles, scopes, ``Principal``), ``signin`` (``principal_for``: the one way in for
the API and every web surface), ``tokens`` (issuing, listing, revoking and rotating tokens),
``throttling`` (rate limits and failed sign-ins per address).
"""
