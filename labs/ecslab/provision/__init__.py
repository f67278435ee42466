"""Idempotent get-or-create helpers: named after the student and the lab, tagged, safe to run twice."""
