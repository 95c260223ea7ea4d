"""Tools for the people who edit data/: scaffolds of new records and the check of a few files."""
