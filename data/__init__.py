"""Storage layer: settings, the engine, typed models, the unit registry, the demo-data generator.

Pages never import SQLAlchemy; they call the metrics layer, which reads through this package.
"""
