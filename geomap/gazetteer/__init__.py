"""The offline gazetteer: places, their names and where they are (see :mod:`geomap.gazetteer.index`)."""

#: where GeoNames publishes its dumps (here: the command shows it in --help without importing the gazetteer)
DUMP_URL = "https://download.geonames.org/export/dump/"
