"""Loading and validation of network tables (``data/SCHEMA.md``)."""
from .errors import DataError
from .load import Tables, data_checksum, default_data_dir, load_tables

__all__ = ["DataError", "Tables", "data_checksum", "default_data_dir", "load_tables"]
