-- Histogram of the match weights of the scored cluster pairs (doc:
-- linkage_quality), in bins of one unit, with the threshold: pairs at or
-- above it join two clusters into one person.
with

pairs as (
    select * from {{ ref('int_record_links_probabilistic') }}
),

final as (
    select
        cast(floor(pairs.match_weight) as integer) as match_weight_bin,
        count(*) as pair_count,
        count(*) filter (where pairs.is_link) as linked_pair_count,
        min(pairs.match_weight_threshold) as match_weight_threshold,
        round(avg(pairs.match_probability), 6) as mean_match_probability
    from pairs
    group by match_weight_bin
    order by match_weight_bin
)

select * from final
