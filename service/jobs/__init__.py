"""Background jobs: the job rows, the per-round allocation lock, running a job (``runner``).

The worker process's entry points, which build the app, are in ``service.worker``.
"""
