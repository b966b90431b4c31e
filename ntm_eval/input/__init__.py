"""Data files → checked commune rows: CSV and workbooks, cells, headers, unit lists."""
