"""Storage: typed models, Alembic migrations, bulk idempotent writes and aggregate queries."""
