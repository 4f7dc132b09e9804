"""The what-if HTTP API of ``rostering``: scenarios, runs with overrides, comparisons.

Build the app with :func:`api.main.create_app`; serve it with ``rostering serve``.
"""
