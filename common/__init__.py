"""The bottom of the flow: pure building blocks every layer may use (months, the working calendar).

``common`` imports nothing of the project (an import-linter contract checks it), so data,
metrics, the demo generator, importers and the interface can all build on it without a cycle.
"""
