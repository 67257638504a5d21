"""Turning a scanned code into a verdict, a journal entry and an upload."""
