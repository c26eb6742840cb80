view: products {
  sql_table_name: public.products ;;
  dimension: id { primary_key: yes type: number }
  dimension: category { sql: ${TABLE}.category ;; }
  dimension: brand { sql: ${TABLE}.brand ;; }
  measure: count { type: count }
}

view: user_tags {
  sql_table_name: public.user_tags ;;
  dimension: user_id { type: number }
  dimension: tag {}
}
