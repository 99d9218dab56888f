"""The audit log: writing an event with the change it records (``log``), and reading it."""
