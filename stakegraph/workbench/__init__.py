"""The analyst's workbench: curated explorations, DataFrames for notebooks, exports for BI.

It sits beside the API and the CLI (both use it) and uses only ``graph`` and pandas.
"""
