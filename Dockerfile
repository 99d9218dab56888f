# One image for every Leerplek process: the API (gunicorn), the worker and the migration step.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Metadata first, so a code change does not reinstall the dependencies' layer from scratch.
COPY pyproject.toml README.md ./
COPY solver ./solver
COPY seeds ./seeds
COPY service ./service
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app leerplek

# Never root: the API and the worker need no privileges.
USER leerplek
EXPOSE 8000
# The access log shows the path without its query string (%(U)s, not %(r)s): a filter such
# as ?student_number= must not land in the logs.
# gunicorn's own refusals (a request line over its limit: 414) answer problem+json too.
# Threads (gthread) keep connections alive and overlap one request's database waits with
# another's work (docs/PERFORMANCE.md, "The fast path"); add processes with --workers.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--worker-class", "service.serving.ProblemThreadWorker", \
     "--threads", "4", \
     "--access-logfile", "-", \
     "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s\" %(s)s %(b)s %(L)s", \
     "service.app:create_app()"]
