#include "sources/dbtsourceparser.h"

#include "sources/dbtproject.h"
#include "sources/dbtsemanticmapper.h"

namespace ktx {

QString DbtSourceParser::driver() const
{
    return QStringLiteral("dbt");
}

ContextSourceReport DbtSourceParser::readReport(const DbtProject &project)
{
    ContextSourceReport report;
    report.driver = QStringLiteral("dbt");
    report.filesRead = project.filesRead;
    report.models = int(project.models.size());
    report.sourceTables = int(project.sources.size());
    report.errors = project.errors;
    report.skipped = project.skipped;
    return report;
}

Result<ContextSourceReport> DbtSourceParser::check(const QString &rootDir) const
{
    auto project = DbtProject::load(rootDir);
    if (!project)
        return project.error();
    return readReport(*project);
}

Result<ContextSourceExtraction> DbtSourceParser::extract(const ContextSourceInput &input) const
{
    auto project = DbtProject::load(input.rootDir);
    if (!project)
        return project.error();
    ContextSourceExtraction extraction;
    extraction.report = readReport(*project);
    DbtSemanticMapper mapper(*project, input);
    mapper.map(extraction);
    return extraction;
}

} // namespace ktx
