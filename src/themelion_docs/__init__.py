"""Themelion Docs: lesson checker, example runner and MkDocs adapter."""

__version__ = "0.1.0"
