"""Tests of the author and CI experience (issue 4)."""
