view: users {
  sql_table_name: "public"."users" ;;

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }
  dimension: email {
    hidden: yes
    sql: ${TABLE}.email ;;
  }
  dimension: first_name { sql: ${TABLE}.first_name ;; }
  dimension: last_name { sql: ${TABLE}.last_name ;; }
  dimension: full_name {
    description: "First and last name"
    sql: ${first_name} || ' ' || ${last_name} ;;
  }
  dimension: age { type: number sql: ${TABLE}.age ;; }
  dimension: is_adult {
    type: yesno
    sql: ${age} >= 18 ;;
  }
  dimension: state { sql: ${TABLE}.state ;; }
  dimension: zip {
    type: zipcode
    sql: ${TABLE}.zip ;;
  }
  dimension: referrer_id {
    type: number
    hidden: yes
    sql: ${TABLE}.referrer_id ;;
  }
  dimension: location {
    type: location
    sql_latitude: ${TABLE}.latitude ;;
    sql_longitude: ${TABLE}.longitude ;;
  }
  dimension_group: created {
    type: time
    timeframes: [raw, date, month]
    sql: ${TABLE}.created_at ;;
  }
  dimension_group: since_signup {
    type: duration
    intervals: [day, month]
    sql_start: ${created_raw} ;;
    sql_end: CURRENT_TIMESTAMP ;;
  }

  measure: count { type: count }
  measure: state_count {
    type: count_distinct
    sql: ${state} ;;
  }
  measure: average_age {
    type: average
    sql: ${age} ;;
  }
  measure: adult_count {
    type: count
    filters: [is_adult: "yes", state: "CA,NY"]
  }
}
