"""The answers file: safe loading with line numbers, atomic saving, the typed model,
cross-field rules, messages written for people, and the vocabularies.

Lowest layer: imports nothing else of dpia but :mod:`dpia.errors` and :mod:`dpia.fileio`.
Kept empty so that importing one module (say the vocabularies) loads no other.
"""
