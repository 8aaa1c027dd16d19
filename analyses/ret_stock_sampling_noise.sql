-- How far RET_STOCK can be trusted on a small sample (docs/accuracy.md,
-- "What the sample size allows"). Some returned citizens carry an estimated
-- share instead of a verdict; in truth each either returned (all their
-- person-dates count) or did not (none count). Taking each as a draw with
-- the share as the chance, this is the standard deviation of RET_STOCK
-- around the truth, summed over the final reference dates.
-- `dbt compile --select ret_stock_sampling_noise`, then run the compiled
-- query against the warehouse.
with

stock_states as (
    select * from {{ ref('int_stock_person_states') }}
),

statistics as (
    select * from {{ ref('migration_statistics') }}
),

final_dates as (
    select distinct cast(time_period as date) as reference_date
    from statistics
    where
        indicator_code = 'RET_STOCK'
        and freq = 'D'
        and obs_status = 'A'
        and sex = '_T'
        and age_group = '_T'
        and citizenship = '_T'
        and reason = '_T'
),

per_person as (
    select
        stock_states.person_key,
        count(*) as reference_dates,
        avg(stock_states.returned_resident_weight) as return_share,
        sum(stock_states.returned_resident_weight) as person_dates
    from stock_states
    inner join final_dates
        on stock_states.reference_date = final_dates.reference_date
    where
        stock_states.is_citizen
        and not stock_states.is_born_abroad
        and stock_states.has_returned
        and not stock_states.is_dead
    group by stock_states.person_key
),

final as (
    select
        sum(person_dates) as ret_stock_person_dates,
        count(*) filter (where return_share between 0.001 and 0.999) as persons_with_a_share,
        sqrt(sum(return_share * (1 - return_share) * reference_dates * reference_dates))
            as standard_deviation,
        standard_deviation / sum(person_dates) as relative_standard_deviation
    from per_person
)

select * from final
