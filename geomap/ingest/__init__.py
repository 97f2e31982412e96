"""Readers of geomap's inputs: articles (`ingest.articles`) and event tables (`ingest.tables`).

The file kinds are named here, apart from the readers' heavier code, so that the
app can offer them without loading the import pipeline.
"""

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json")

#: event tables: our CSV/GeoJSON/GeoPackage, ACLED and UCDP GED exports (a .json is looked inside)
TABLE_SUFFIXES = (".csv", ".geojson", ".json", ".gpkg")
#: every file the import pipeline takes
INPUT_SUFFIXES = tuple(sorted(set(TABLE_SUFFIXES) | set(ARTICLE_SUFFIXES)))
