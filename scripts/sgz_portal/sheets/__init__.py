"""The editors' workbook (`sgz-portal xlsx export|import`): every record of data/ as a spreadsheet and back.

layout.py reads the sheets and columns off the JSON Schemas; export.py writes the workbook with
openpyxl; import_.py reads it back, writes the YAML files and reports each problem at its cell.
This package sits just above data/: it uses data/ (loading, schemas, validation, messages) and
nothing higher; only cli imports it.
"""
