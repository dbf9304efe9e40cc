"""Experiments on representations."""
