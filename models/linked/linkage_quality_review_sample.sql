-- Borderline pairs for clerical review (doc: linkage_quality): scored
-- pairs within `linkage_review_band` (default 4) match-weight units of the
-- threshold, side by side, with the partial weights. A fixed pseudo-random
-- sample of at most `linkage_review_sample_size` (default 200) pairs.
-- Restricted: names and dates of birth.
{%- set band = var('linkage_review_band', 4) %}
{%- set sample_size = var('linkage_review_sample_size', 200) | int %}
with

pairs as (
    select * from {{ ref('int_record_links_probabilistic') }}
),

profiles as (
    select * from {{ ref('int_deterministic_cluster_profiles') }}
),

borderline as (
    select pairs.*
    from pairs
    where abs(pairs.match_weight - pairs.match_weight_threshold) <= {{ band }}
    order by hash(pairs.cluster_id_l, pairs.cluster_id_r)
    limit {{ sample_size }}
),

final as (
    select
        borderline.cluster_id_l,
        borderline.cluster_id_r,
        round(borderline.match_weight, 2) as match_weight,
        round(borderline.match_probability, 4) as match_probability,
        borderline.is_link,
        left_profile.full_name_std as name_l,
        right_profile.full_name_std as name_r,
        left_profile.birth_date as birth_date_l,
        right_profile.birth_date as birth_date_r,
        left_profile.birth_date_precision as birth_date_precision_l,
        right_profile.birth_date_precision as birth_date_precision_r,
        left_profile.sex as sex_l,
        right_profile.sex as sex_r,
        left_profile.citizenship_iso3 as citizenship_l,
        right_profile.citizenship_iso3 as citizenship_r,
        left_profile.record_count as record_count_l,
        right_profile.record_count as record_count_r,
        left_profile.visa_type as visa_type_l,
        right_profile.visa_type as visa_type_r,
        round(borderline.weight_name, 2) as weight_name,
        round(borderline.weight_birth_date, 2) as weight_birth_date,
        round(borderline.weight_sex, 2) as weight_sex,
        round(borderline.weight_citizenship, 2) as weight_citizenship,
        round(borderline.weight_document_period, 2) as weight_document_period,
        round(borderline.weight_visa_type, 2) as weight_visa_type,
        round(borderline.weight_national_id, 2) as weight_national_id,
        cast(null as varchar) as reviewer_decision
    from borderline
    inner join profiles as left_profile
        on borderline.cluster_id_l = left_profile.cluster_id
    inner join profiles as right_profile
        on borderline.cluster_id_r = right_profile.cluster_id
)

select * from final
