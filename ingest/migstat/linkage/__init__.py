"""Record linkage: every record of every source tied to one person.

Deterministic links are SQL (models/linked); this package holds what SQL
cannot do well: connected components (``graph``), the keyed hash of
person keys and identifiers (``keys``), the Splink model that links
document clusters probabilistically (``model``), and the measure against
a generator's truth (``evaluate``). ``python -m migstat.linkage train``
retrains the model; the dbt models only ever load the committed one.
"""
