"""Reading and writing at the edge: case files, JSON, workbooks, PDF."""
