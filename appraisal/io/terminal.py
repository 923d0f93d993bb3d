"""Former home of the terminal summary table: now :mod:`appraisal.io.text.summary`.

Kept so that ``from appraisal.io.terminal import summary_table`` still works.
"""

from appraisal.io.text.summary import summary_table

__all__ = ["summary_table"]
