"""Alembic migrations (a package so installs ship them)."""
