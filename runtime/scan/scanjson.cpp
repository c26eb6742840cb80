#include "scan/scanjson.h"

#include <cmath>

namespace ktx::ScanJson {

QJsonObject tableRef(const TableRef &ref)
{
    return {{QStringLiteral("catalog"), ref.catalog},
            {QStringLiteral("db"), ref.db},
            {QStringLiteral("name"), ref.name}};
}

double rounded(double value, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

} // namespace ktx::ScanJson
