-- Work permits in the common codes, with the period each was in force.
-- A permit is in force from its issue date until it expires, or until the
-- first snapshot that shows it Cancelled or Transferred, whichever is
-- earlier (the register gives no cancellation date, so the snapshot that
-- first shows the change stands in for it: known to within a month).
with

permits as (
    select * from {{ ref('stg_labour__work_permits') }}
),

status_history as (
    select * from {{ ref('stg_labour__work_permit_status_history') }}
),

country_names as (
    select
        source_code,
        iso3
    from {{ ref('country_code_crosswalk') }}
    where code_system = 'name'
),

typed_names as (
    select distinct
        nationality_text,
        regexp_replace(lower(trim(nationality_text)), '\s+', ' ', 'g') as match_key
    from permits
    where nationality_text is not null
),

name_matches as (
    -- an exact match in the crosswalk first; else the closest name by
    -- Jaro-Winkler similarity, when it is close enough (a typing slip such as
    -- `Pakisthan`); anything else stays unmapped and is listed by a test
    select
        typed_names.nationality_text,
        arg_max(
            country_names.iso3,
            case
                when country_names.source_code = typed_names.match_key then 2.0
                else jaro_winkler_similarity(country_names.source_code, typed_names.match_key)
            end
        ) as iso3,
        max(
            case
                when country_names.source_code = typed_names.match_key then 2.0
                else jaro_winkler_similarity(country_names.source_code, typed_names.match_key)
            end
        ) as match_score
    from typed_names
    cross join country_names
    where length(country_names.source_code) >= 4 or country_names.source_code = typed_names.match_key
    group by typed_names.nationality_text
),

sex_codes as (
    select
        source_code,
        sex
    from {{ ref('sex_codes') }}
    where source_system = 'work_permits'
),

sectors as (
    select * from {{ ref('employer_sectors') }}
),

ended as (
    select
        work_permit_number,
        min(status_from) as ended_on
    from status_history
    where permit_status in ('Cancelled', 'Transferred')
    group by work_permit_number
),

final as (
    select
        -- ids
        permits.work_permit_number,
        permits.object_id,
        permits.source_row_number,

        -- identifiers (restricted)
        permits.passport_number,
        permits.worker_name,
        permits.birth_date,

        -- harmonized attributes
        coalesce(sex_codes.sex, '_U') as sex,
        permits.nationality_text,
        case
            when name_matches.match_score >= {{ var('name_match_min_similarity') }}
                then name_matches.iso3
            else '_U'
        end as citizenship_iso3,
        coalesce(name_matches.match_score, 0) < {{ var('name_match_min_similarity') }}
        and permits.nationality_text is not null as is_citizenship_unmapped,
        name_matches.match_score between {{ var('name_match_min_similarity') }} and 1.0
            as is_citizenship_fuzzy_matched,
        permits.isco08_code,
        case
            when regexp_full_match(permits.isco08_code, '\d{4}') then left(permits.isco08_code, 1)
        end as isco08_major_group,
        permits.employer_sector,
        sectors.sector_code as employer_sector_code,
        sectors.isic4_section,
        upper(nullif(trim(split_part(permits.work_location, '.', 1)), '')) as work_atoll_prefix,

        -- the permit's life
        permits.permit_status,
        permits.cancellation_reason,
        permits.issue_date,
        permits.expiry_date,
        ended.ended_on,
        permits.issue_date as valid_from,
        least(permits.expiry_date, coalesce(ended.ended_on, permits.expiry_date)) as valid_to,
        permits.first_seen_date,
        permits.last_seen_date

    from permits
    left join name_matches
        on permits.nationality_text = name_matches.nationality_text
    left join sex_codes
        on upper(trim(permits.gender_text)) = sex_codes.source_code
    left join sectors
        on regexp_replace(lower(trim(permits.employer_sector)), '\s+', ' ', 'g') = sectors.match_key
    left join ended
        on permits.work_permit_number = ended.work_permit_number
)

select * from final
