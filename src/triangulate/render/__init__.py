"""Renderers: the dossier as JSON, CSV and a terminal summary."""
