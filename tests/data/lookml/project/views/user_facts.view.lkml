view: user_facts {
  derived_table: {
    sql:
      SELECT
        o.user_id,
        COUNT(*) AS lifetime_orders,
        SUM(o.amount) AS lifetime_amount,
        MIN(o.created_at) AS first_order_at
      FROM ${orders.SQL_TABLE_NAME} AS o
      GROUP BY 1 ;;
    datagroup_trigger: ecommerce_default
  }

  dimension: user_id {
    primary_key: yes
    type: number
    sql: ${TABLE}.user_id ;;
  }
  dimension: lifetime_orders { type: number }
  dimension: lifetime_amount { type: number }
  dimension: is_repeat_buyer {
    type: yesno
    sql: ${lifetime_orders} > 1 ;;
  }
  dimension_group: first_order {
    type: time
    timeframes: [raw, date, month]
    sql: ${TABLE}.first_order_at ;;
  }
  measure: repeat_buyers {
    type: count
    filters: [is_repeat_buyer: "yes"]
  }
  measure: average_lifetime_orders {
    type: average
    sql: ${lifetime_orders} ;;
  }
}

view: user_order_facts_ndt {
  derived_table: {
    explore_source: order_items {
      column: user_id { field: orders.user_id }
      column: total { field: order_items.total_sale_price }
    }
  }
  dimension: user_id { primary_key: yes }
}

view: daily_sales {
  derived_table: {
    sql: SELECT created_at::date AS day, SUM(amount) AS amount
         FROM public.orders
         WHERE {% condition date_filter %} created_at {% endcondition %}
         GROUP BY 1 ;;
  }
  filter: date_filter { type: date }
  dimension: day { primary_key: yes type: date }
}
