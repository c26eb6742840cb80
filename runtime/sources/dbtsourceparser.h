#pragma once

#include "sources/contextsource.h"

namespace ktx {

class DbtProject;

// The dbt context source: reads a dbt project folder (DbtProject) and maps its
// models onto the warehouse connection's semantic layer (DbtSemanticMapper).
class DbtSourceParser : public ContextSourceParser
{
public:
    QString driver() const override;
    Result<ContextSourceReport> check(const QString &rootDir) const override;
    Result<ContextSourceExtraction> extract(const ContextSourceInput &input) const override;

    // The report fields a read of the project fills (files, counts, errors, skipped).
    static ContextSourceReport readReport(const DbtProject &project);
};

} // namespace ktx
