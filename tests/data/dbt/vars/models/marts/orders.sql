{{ config(alias=var('orders_alias'), materialized='table', enabled=var('orders_enabled', true)) }}

select *
from {{ ref('stg_orders') }}
where order_date >= '{{ var("start_date") }}'
