"""What the course creates, kind by kind: the catalogue (catalogue.py) that the inventory, the class roster and
cleanup walk; how each kind is listed (listing.py) and deleted (deletion.py)."""
