"""Sphinx configuration for the wagtail-distmark documentation.

Built by ``make docs`` with warnings as errors; uses only what ships with
Sphinx and the ``dev`` extras (myst-parser, the bundled alabaster theme).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wagtail_distmark import __version__  # noqa: E402

project = "wagtail-distmark"
author = "wagtail-distmark contributors"
copyright = "wagtail-distmark contributors"
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

language = "en"
html_theme = "alabaster"
html_title = f"wagtail-distmark {release}"
html_theme_options = {
    "description": "Distributed marketing for Wagtail",
    "fixed_sidebar": True,
}
