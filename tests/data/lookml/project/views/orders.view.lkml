view: orders {
  sql_table_name: public.orders ;;
  description: "One row per order placed in the web shop."

  dimension: order_id {
    primary_key: yes
    type: number
    sql: ${TABLE}.order_id ;;
  }

  dimension: user_id {
    type: number
    hidden: yes
    sql: ${TABLE}.user_id ;;
  }

  dimension: status {
    description: "Order status: complete, pending, cancelled or returned."
    type: string
    sql: ${TABLE}."status" ;;
  }

  dimension_group: created {
    type: time
    timeframes: [raw, time, date, week, month, quarter, year]
    sql: ${TABLE}.created_at ;;
  }

  dimension: is_complete {
    type: yesno
    sql: ${status} = 'complete' ;;
  }

  measure: count {
    type: count
    drill_fields: [order_id, users.email, created_date]
  }

  measure: completed_orders {
    type: count
    filters: [status: "complete"]
  }

  measure: open_orders {
    type: count
    filters: [status: "-complete,-cancelled"]
  }

  measure: total_amount {
    type: sum
    sql: ${TABLE}.amount ;;
    value_format_name: usd
  }
}
