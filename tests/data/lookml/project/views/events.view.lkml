view: base_events {
  extension: required
  dimension: id {
    primary_key: yes
    type: number
  }
  dimension: event_type { description: "Kind of event" }
  dimension_group: created {
    type: time
    timeframes: [raw, time, date]
    sql: ${TABLE}.created_at ;;
  }
  measure: count { type: count }
}

view: web_events {
  extends: [base_events]
  sql_table_name: public.web_events ;;
  dimension: url { sql: ${TABLE}.page_url ;; }
  dimension: event_type { description: "Kind of web event: view, click or purchase" }
  measure: sessions {
    type: count_distinct
    sql: ${TABLE}.session_id ;;
  }
}
