{{ config(materialized='ephemeral') }}

select
    customer_id,
    sum(amount) as lifetime_value
from {{ ref('orders') }}
group by customer_id
