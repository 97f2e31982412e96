"""What the Streamlit app (app.py) uses on the large-map path: lazy reads of a parquet store
(:mod:`geomap.app.lazy`, filters in DuckDB: :mod:`geomap.app.sql`) and the large map as the app's
map component (:mod:`geomap.app.largemap`)."""
