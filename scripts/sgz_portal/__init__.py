"""sgz-portal: a static public portal for social work service stations.

Data flows one way, one sub-package a stage, and imports only go down this list:

    data/      read YAML, check its shape and references, build the typed model
    sheets/    the editors' workbook: data/ to xlsx and back (layout from the JSON Schemas; uses data/ only)
    rules/     judge the disclosure rules and personal information at the as-of date
    pipeline   data + rules in one call (prepare)
    editing/   editors' tools: scaffolds of new records (sgz-portal new) and the check of a few files
    opendata/  tables, HSDS 3.0, OCDS 1.1.5 and the Atom feed
    pages/     one context per page kind, for the templates in overrides/
    site/      the mkdocs plugin, the search index, atomic publishing, the preview server and live preview
    cli        the sgz-portal command
"""
__version__ = "0.2.0"
