"""The import machinery: readers, parsing, validation, writing, preview, jobs, `ImportRecord`, the
upload pages and `import_data`. Each app declares its own kinds in its own `imports.py`."""
