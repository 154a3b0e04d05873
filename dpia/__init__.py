"""dpia: plan a health and care research partnership and write its DPIA from one answers file."""

__version__ = "0.1.0"
