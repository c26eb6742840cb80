#pragma once

#include "sources/contextsource.h"

namespace ktx {

// MetricFlow (dbt semantic layer) YAML: `semantic_models:` and `metrics:` in any
// *.yml / *.yaml below the root. Each semantic model becomes a standalone source
// (grain from the primary entity, joins from foreign entities, measures as
// aggregate SQL); metrics become measures where ktx can express them, and a wiki
// page per metric file says why the others were left out.
//
// Table rule: `model: ref('x')` resolves to the warehouse table whose last name
// part is `x` in the `_schema/` manifests of `input.baseFiles` (so the schema is
// the one the scan found); with no such table the model name is used as is.
class MetricFlowSourceParser : public ContextSourceParser
{
public:
    QString driver() const override;
    Result<ContextSourceReport> check(const QString &rootDir) const override;
    Result<ContextSourceExtraction> extract(const ContextSourceInput &input) const override;
};

} // namespace ktx
