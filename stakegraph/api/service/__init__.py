"""What the endpoints do between parsing and answering, one module per resource (mirroring
:mod:`stakegraph.api.routes`): named queries in, pure analytics, ``...Public`` models out.

The API never computes a score itself: risk, tiers, snapshots and signals are read as the
last analysis run wrote them (docs/data-model.md, "Derived data"); maps, suggestions and
departure impact are computed on request by the pure functions of
:mod:`stakegraph.analytics` (``ties``, ``ties_map``, ``suggest``, ``outreach``, ``impact``)
over one account's trailing window of interactions (:mod:`.network`), so they can be asked
for any date. :mod:`.serialize` turns store values into the fields of the public models.
"""
