"""`python -m pipeline run ...` is the same as `wirestream run ...`."""
from pipeline.cli import main

main()
