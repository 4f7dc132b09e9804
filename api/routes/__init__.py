"""The routers of the API, one module and one ``APIRouter`` per resource.

:mod:`.scenarios`, :mod:`.runs`, :mod:`.compare`, :mod:`.adherence` and
:mod:`.health`; :func:`api.main.create_app` mounts each under ``/v1``. A
router never imports another: lookups they share are dependencies in
:mod:`api.deps` or queries in :mod:`api.crud`, and error answers come from
:mod:`api.errors`.
"""
