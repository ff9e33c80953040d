"""The read-only department API (/api/v1/) and the admin pages for its tokens."""
