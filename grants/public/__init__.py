"""Public pages (no login): open and past calls."""
