connection: "thelook"

# include all the views
include: "/views/*.view.lkml"
include: "/refinements/*.lkml"

datagroup: ecommerce_default {
  sql_trigger: SELECT MAX(id) FROM etl_log;;
  max_cache_age: "1 hour"
}

persist_with: ecommerce_default

explore: order_items {
  label: "Orders, Items and Users"
  description: "Start here for sales questions."
  join: orders {
    type: left_outer
    sql_on: ${order_items.order_id} = ${orders.order_id} ;;
    relationship: many_to_one
  }
  join: users {
    type: left_outer
    sql_on: ${orders.user_id} = ${users.id} ;;
    relationship: many_to_one
  }
  join: products {
    foreign_key: product_id
  }
  join: user_tags {
    sql_on: ${users.id} = ${user_tags.user_id} ;;
    relationship: many_to_many
  }
}

explore: users {
  join: user_facts {
    view_label: "Users"
    sql_on: ${users.id} = ${user_facts.user_id} ;;
    relationship: one_to_one
  }
  join: buyers {
    from: users
    sql_on: ${users.id} = ${buyers.id} AND {% condition users.state %} ${buyers.state} {% endcondition %} ;;
    relationship: one_to_one
  }
}

explore: customers {
  from: users
  view_name: users
  join: referrer {
    from: users
    sql_on: ${customers.referrer_id} = ${referrer.id} ;;
    relationship: many_to_one
  }
}

explore: web_events {}
