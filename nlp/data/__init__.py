"""Versioned data files of the nlp package: dictionaries, stop words, taxonomy, board map."""
