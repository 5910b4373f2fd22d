"""FastAPI routers, one per ledger area."""
