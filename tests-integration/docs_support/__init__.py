"""The models the documentation's samples import, and the reader of those samples.

The pages in docs/ and the READMEs name what they need explicitly
(``from docs_support.models import Product``); tests-integration/test_docs.py
runs their Python blocks, and test_tutorial.py builds the tutorial's project.
"""
