#pragma once

#include "sources/contextsource.h"

namespace ktx {

// LookML (*.lkml): views, refinements (`view: +name`), `extends`, explores and
// their joins. A view on a warehouse table (`sql_table_name`) becomes an overlay
// merged onto the warehouse source whose manifest table it names; a
// `derived_table` becomes a standalone SQL source. Dimensions map to column
// facts (`${TABLE}.col` is the column `col`, `${dim}` is that dimension's SQL),
// measures to aggregate expressions and explore joins to joins on the source of
// the view they start from. What ktx cannot express is reported as skipped.
//
// Rules worth knowing: a view whose table is not in the warehouse scan is
// skipped (no overlay without a manifest entry); Liquid anywhere, references
// to another view's fields in a dimension, sum_distinct/list/percentile
// measures, location and duration dimensions and many_to_many joins are
// skipped with the reason; measure `filters` become SQL for plain values,
// `-x` exclusions, value lists, comparisons, NULL and yes/no; `tier` becomes a
// CASE whose labels are "Below a", "a to b", "z or Above" (not Looker's exact
// tier styles). Without a warehouse connection nothing is written.
class LookmlSourceParser : public ContextSourceParser
{
public:
    QString driver() const override;
    Result<ContextSourceReport> check(const QString &rootDir) const override;
    Result<ContextSourceExtraction> extract(const ContextSourceInput &input) const override;
};

} // namespace ktx
