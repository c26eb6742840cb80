view: typo {
  sql_table_name: public.products ;;
  dimension id {
    primary_key: yes
  }
  dimension: brand { sql: ${TABLE}.brand ;; }
}
