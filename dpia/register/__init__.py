"""The Excel data-sharing register: one workbook for all of an organisation's projects.

* :mod:`~dpia.register.layout`: the workbook layout, read from ``registers/``;
* :mod:`~dpia.register.rows`: Project + Assessment -> rows (pure);
* :mod:`~dpia.register.merge`: what an update changes (pure);
* :mod:`~dpia.register.workbook`: openpyxl: safe cells, formatting, finding rows;
* :mod:`~dpia.register.audit`: the hash-chained JSON-lines audit log;
* :mod:`~dpia.register.safety`: locks, refusal rules, atomic replace, backups;
* :mod:`~dpia.register.update`: ``add_projects``, the one function that writes a register;
* :mod:`~dpia.register.verify`: compare a register with its audit log;
* :mod:`~dpia.register.reports`: reviews due and summaries (pandas);
* :mod:`~dpia.register.writer`: the single-project workbook written by ``dpia build``.

Nothing here imports openpyxl or pandas at module level.
"""
