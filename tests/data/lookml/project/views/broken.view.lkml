view: broken {
  sql_table_name: public.broken ;;
  dimension: ok { sql: ${TABLE}.ok ;; }
  dimension: bad {
    type: string
    sql: ${TABLE}.bad
  }
