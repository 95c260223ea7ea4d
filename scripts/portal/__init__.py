"""sgz-portal: a static public portal for social work service stations.

Stages, one module each: load -> validate (schema_check) -> model -> rules ->
views/pages -> opendata -> (mkdocs renders via hooks) -> search -> publish.
"""
__version__ = "0.1.0"
