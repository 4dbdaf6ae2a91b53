"""ICS forms regenerated from the log at any moment (201, 203, 204, 211, 214, 215), as HTML, CSV and PDF."""
