"""The ProSonata emulator's parts: resource tables, seed data, queries and the row store."""
