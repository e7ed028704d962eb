"""Imports of registers from spreadsheets (花名册/登记表导入): the sheet reader, the templates,
the kept uploads and the background task."""
