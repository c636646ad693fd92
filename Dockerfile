# One image for both sides of a Dataflow job (see README, "Deploy to Dataflow"):
# - the flex template launcher runs main.py in it to build and submit the job;
# - the workers run it as their SDK container (--sdk_container_image), so Beam, spaCy, the spaCy model
#   and wirestream are installed once, at build time, instead of on every worker start.
# Build from the repository root: gcloud builds submit --tag IMAGE .   (or: docker build -t IMAGE .)

# Beam's Python SDK image: its tag must match the apache-beam pin in requirements.txt and setup.py,
# and its Python (3.11) the Python that submits jobs with this image as --sdk_container_image.
ARG BEAM_IMAGE=apache/beam_python3.11_sdk:2.77.0
# Google's flex template launcher for Python 3.11; pin a dated tag or a digest for a reproducible build.
ARG LAUNCHER_IMAGE=gcr.io/dataflow-templates-base/python311-template-launcher-base:latest

FROM ${LAUNCHER_IMAGE} AS launcher

FROM ${BEAM_IMAGE}
COPY --from=launcher /opt/google/dataflow/python_template_launcher /opt/google/dataflow/python_template_launcher

ARG WORKDIR=/template
WORKDIR ${WORKDIR}

# Dependencies first, pinned, in their own layer: code changes don't reinstall them.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# The package itself, with its schemas and data files (its dependencies are pinned above); then a check,
# from outside the source tree, that the installed package loads the spaCy model with its own components.
COPY setup.py pyproject.toml README.md main.py ./
COPY pipeline pipeline
COPY transforms transforms
COPY schemas schemas
COPY wirestream wirestream
RUN pip install --no-cache-dir --no-deps . \
    && cd / && python -c "from wirestream.transforms.nlp.model import load_nlp; load_nlp()" \
    && ! python -c "import pipeline" 2>/dev/null

# The flex template launcher runs this file with the template's parameters as --name=value flags.
ENV FLEX_TEMPLATE_PYTHON_PY_FILE="${WORKDIR}/main.py"

# Beam's worker boot program: what Dataflow starts when the image is the workers' SDK container.
# (For a flex template launch, Dataflow starts the launcher above instead.)
ENTRYPOINT ["/opt/apache/beam/boot"]
