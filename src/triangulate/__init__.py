"""triangulate: many news articles about a conflict in, one source-attributed dossier out."""

__version__ = "0.1.0"
