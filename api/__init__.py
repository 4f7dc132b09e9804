"""The what-if HTTP API of ``rostering``: scenarios, runs with overrides, comparisons.

Build the app with :func:`api.main.create_app`; serve it with ``rostering serve``.

::

    main          the app: settings, database, runner, error handlers, routers
    routes/*      one router per resource (scenarios, runs, compare, adherence, health)
    deps          request dependencies: session, tenant, the run or scenario of a path
    schemas       request and response bodies (pydantic, free of the database)
    errors        error answers and their OpenAPI entries; middleware: the body limit
    crud          shared queries: tenants, API keys, a tenant's runs and scenarios
    models, db    the tables, and the engine and sessions; security: API key hashing
    runner        admission, and runs handed to the dask cluster and watched (web side)
    cluster       the dask cluster: an external scheduler, or a local cluster
    worker        solving one run on a dask worker; progress: its progress writer
"""
