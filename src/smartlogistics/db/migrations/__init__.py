"""Alembic environment and migration scripts of the platform database."""
