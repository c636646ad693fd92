"""`python -m wirestream ...` is the `wirestream` command."""
from wirestream.pipeline.cli import main

main()
