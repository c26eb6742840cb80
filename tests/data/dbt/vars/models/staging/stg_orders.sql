select
    id as order_id,
    status
from {{ source('raw', 'raw_orders') }}
