"""The launch and spaceport catalog: GCAT ingested into an embedded DuckDB file."""
