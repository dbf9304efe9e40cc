"""Figures laid out like the paper's: one module per family of figures, shared helpers in common."""
