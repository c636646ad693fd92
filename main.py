"""Entry point of the Dataflow flex template (FLEX_TEMPLATE_PYTHON_PY_FILE in the Dockerfile).

The launcher runs `python main.py --input=... --output=... --runner=DataflowRunner --project=...`:
the same as `wirestream run` with those flags. Beam logs at INFO so the launch log shows the job it created.
"""
import logging
import sys

from wirestream.pipeline.cli import main

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    main(["run", *sys.argv[1:]])
