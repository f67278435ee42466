"""The three backends: where boto3 clients point and what must hold before a lab creates anything."""
