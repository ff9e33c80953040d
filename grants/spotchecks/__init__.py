"""双随机 spot checks: staff pages (inspector pool, draws, results) and public pages."""
