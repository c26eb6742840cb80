# Refinements layered on the generated view.
view: +order_items {
  description: "One row per item in an order."
  dimension: sale_price {
    description: "Price the item sold for, in USD."
  }
  measure: average_sale_price {
    type: average
    sql: ${sale_price} ;;
  }
  measure: large_item_count {
    type: count
    filters: [sale_price: ">=100"]
  }
}

view: +missing_view {
  dimension: x {}
}
