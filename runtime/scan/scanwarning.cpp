#include "scan/scanwarning.h"

namespace ktx {

QJsonObject ScanWarning::toJson() const
{
    QJsonObject object {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!table.name.isEmpty())
        object.insert(QStringLiteral("table"), table.displayName());
    return object;
}

} // namespace ktx
