#include "sources/contextsource.h"
#include "sources/dbtsourceparser.h"
#include "sources/lookmlsourceparser.h"
#include "sources/metricflowsourceparser.h"

// One line per parser: each source type registers itself here.

namespace ktx {

std::unique_ptr<ContextSourceParser> contextSourceParser(const QString &driver)
{
    if (driver == QLatin1String("dbt"))
        return std::make_unique<DbtSourceParser>();
    if (driver == QLatin1String("metricflow"))
        return std::make_unique<MetricFlowSourceParser>();
    if (driver == QLatin1String("lookml"))
        return std::make_unique<LookmlSourceParser>();
    return nullptr;
}

QStringList contextSourceDrivers()
{
    QStringList drivers;
    drivers << QStringLiteral("dbt");
    drivers << QStringLiteral("metricflow");
    drivers << QStringLiteral("lookml");
    return drivers;
}

} // namespace ktx
