"""Exports: spreadsheets of staff lists (spreadsheet.py: CSV with BOM, XLSX, formula-safe) and the
tables they hold (tables.py: plain data in, header + rows out). Views load the data through the
services and call these; nothing here queries the database or reads the request.
(Open-data serialisers belong here too.)"""
