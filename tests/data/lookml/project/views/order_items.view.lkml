view: order_items {
  sql_table_name: public.order_items ;;

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }
  dimension: order_id { type: number sql: ${TABLE}.order_id ;; }
  dimension: product_id {
    type: number
    hidden: yes
    sql: ${TABLE}.product_id ;;
  }
  dimension: sale_price {
    type: number
    sql: ${TABLE}.sale_price ;;
  }
  dimension: cost {
    type: number
    sql: ${TABLE}.cost ;;
  }
  dimension: margin {
    type: number
    sql: ${sale_price} - ${cost} ;;
  }
  dimension: is_returned {
    type: yesno
    sql: ${TABLE}.returned_at IS NOT NULL ;;
  }
  dimension: product_category {
    sql: ${products.category} ;;
  }
  dimension: price_tier {
    type: tier
    tiers: [0, 10, 50, 100]
    style: integer
    sql: ${sale_price} ;;
  }

  measure: count { type: count }
  measure: total_sale_price {
    type: sum
    sql: ${sale_price} ;;
  }
  measure: total_cost {
    type: sum
    sql: ${cost} ;;
    hidden: yes
  }
  measure: gross_margin {
    type: number
    sql: ${total_sale_price} - ${total_cost} ;;
  }
  measure: gross_margin_pct {
    type: number
    sql: 1.0 * ${gross_margin} / NULLIF(${total_sale_price}, 0) ;;
    value_format_name: percent_2
  }
  measure: returned_sales {
    type: sum
    sql: ${sale_price} ;;
    filters: [is_returned: "yes"]
  }
  measure: total_sale_price_distinct {
    type: sum_distinct
    sql_distinct_key: ${order_id} ;;
    sql: ${sale_price} ;;
  }
  measure: dynamic_revenue {
    type: sum
    sql: {% if order_items.sale_price._in_query %} ${sale_price} {% else %} 0 {% endif %} ;;
  }
}
