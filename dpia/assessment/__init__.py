"""Pure assessment of a valid project: screening, the risk rule table, risks as assessed,
checks (gaps), and the facts every output shares.

No I/O, no printing, no clock reads: today's date is passed in. Imports only
:mod:`dpia.answers` (and :mod:`dpia.errors`).
"""
