"""The bundled example municipality (illustrative figures)."""
