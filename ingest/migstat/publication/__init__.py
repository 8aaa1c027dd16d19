"""What leaves the office: disclosure control and the export files."""
