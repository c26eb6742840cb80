{%- set cents_to_dollars = 100 -%}

with source as (

    select * from {{ source('raw', 'raw_payments') }}

),

renamed as (

    select
        id as payment_id,
        order_id,
        payment_method,
        -- amount is stored in cents, convert it to dollars
        amount / {{ cents_to_dollars }} as amount
    from source

)

select * from renamed
