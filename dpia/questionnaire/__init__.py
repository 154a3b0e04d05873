"""The questionnaire: questions as data (:mod:`.questions`), the engine that asks them
(:mod:`.engine`, :mod:`.interview`, :mod:`.asking`) and the one module that imports
questionary (:mod:`.prompting`). Writes an answers file through :mod:`dpia.answers`.
"""
