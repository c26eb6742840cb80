{{ config(enabled=var('legacy_enabled', false)) }}

select * from {{ ref('stg_orders') }}
