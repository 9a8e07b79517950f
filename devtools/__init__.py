"""Tooling shared by the browser tests, the benchmarks and the screenshot script (not the app)."""
