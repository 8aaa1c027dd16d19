{#- The persons a run of a model kept per person writes again
    (int_person_crossings, int_crossings_repaired, int_crossing_verdicts):
    those whose input fingerprint, computed now in the CTE
    `current_fingerprints` (person_key, input_fingerprint), is new or
    differs from the one stored with their rows. -#}
{% macro persons_whose_fingerprint_changed(current_fingerprints) -%}
    select person_key from (
        select
            person_key,
            input_fingerprint
        from {{ current_fingerprints }}
        except
        select distinct
            person_key,
            input_fingerprint
        from {{ this }}
    )
{%- endmacro %}
